/*
 * The fuzz harnesses without libFuzzer: feeds files to
 * LLVMFuzzerTestOneInput, so that make check (with gcc, and under ASan)
 * replays every seed and every regression input.  Linked with one harness
 * as tests/fuzz/replay_NAME (FUZZ_NAME is "NAME").
 *
 *   replay_NAME                TAP, a line per directory: every file of
 *                              tests/fuzz/corpus/NAME and, if there is one,
 *                              tests/fuzz/regress/NAME, each in a child
 *                              process so a crash names its input
 *   replay_NAME FILE|DIR...    those inputs in this process (for a
 *                              debugger); exit status 0 when all ran
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#error "FUZZ_NAME must name the harness"
#endif

/* The whole file, in a buffer of exactly its size (ASan sees overreads). */
static uint8_t *
replay_read(const char *path, size_t *len)
{
	FILE		*f;
	struct stat	 st;
	uint8_t		*buf;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	if (fstat(fileno(f), &st) != 0 || st.st_size < 0) {
		fclose(f);
		return (NULL);
	}
	*len = (size_t)st.st_size;
	if ((buf = malloc(*len == 0 ? 1 : *len)) == NULL ||
	    fread(buf, 1, *len, f) != *len) {
		free(buf);
		fclose(f);
		return (NULL);
	}
	fclose(f);
	return (buf);
}

static int
replay_one(const char *path)
{
	uint8_t	*buf;
	size_t	 len;

	if ((buf = replay_read(path, &len)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return (-1);
	}
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return (0);
}

/* The inputs of a directory, sorted, hidden files left out. */
static int
replay_list(const char *dir, struct dirent ***names)
{
	int	n, i, kept;

	if ((n = scandir(dir, names, NULL, alphasort)) < 0)
		return (-1);
	for (i = kept = 0; i < n; i++) {
		if ((*names)[i]->d_name[0] == '.')
			free((*names)[i]);
		else
			(*names)[kept++] = (*names)[i];
	}
	return (kept);
}

static void
replay_free(struct dirent **names, int n)
{
	while (n-- > 0)
		free(names[n]);
	free(names);
}

/* Every file of dir, each in a child: how many failed (-1: unreadable). */
static int
replay_dir_isolated(const char *dir, int *ninputs)
{
	struct dirent	**names;
	char		 *path;
	pid_t		  pid;
	int		  n, i, status, failed = 0;

	if ((n = replay_list(dir, &names)) < 0)
		return (-1);
	for (i = 0; i < n; i++) {
		if (asprintf(&path, "%s/%s", dir, names[i]->d_name) < 0)
			abort();
		fflush(stdout);
		if ((pid = fork()) == -1) {
			perror("fork");
			exit(1);
		}
		if (pid == 0)
			exit(replay_one(path) == 0 ? 0 : 1);
		if (waitpid(pid, &status, 0) != pid) {
			printf("# %s: waitpid: %s\n", path, strerror(errno));
			failed++;
		} else if (WIFSIGNALED(status)) {
			printf("# %s: killed by signal %d\n", path,
			    WTERMSIG(status));
			failed++;
		} else if (WEXITSTATUS(status) != 0) {
			printf("# %s: exit status %d\n", path,
			    WEXITSTATUS(status));
			failed++;
		}
		free(path);
	}
	replay_free(names, n);
	*ninputs = n;
	return (failed);
}

/* make check: TAP, a line per corpus directory. */
static int
replay_tap(void)
{
	static const char	*kinds[] = { "corpus", "regress" };
	struct stat		 st;
	const char		*top;
	char			*dir;
	size_t			 k;
	int			 ninputs, failed, ntests = 0, nfailed = 0;

	if ((top = getenv("top_srcdir")) == NULL || *top == '\0')
		top = MB_SRCDIR;
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		if (asprintf(&dir, "%s/tests/fuzz/%s/%s", top, kinds[k],
		    FUZZ_NAME) < 0)
			abort();
		/* Regression inputs come with the first crash found. */
		if (k > 0 && stat(dir, &st) != 0) {
			free(dir);
			continue;
		}
		ninputs = 0;
		failed = replay_dir_isolated(dir, &ninputs);
		ntests++;
		if (failed < 0) {
			printf("not ok %d - %s/%s: cannot read %s: %s\n",
			    ntests, kinds[k], FUZZ_NAME, dir, strerror(errno));
			nfailed++;
		} else if (failed > 0 || ninputs == 0) {
			printf("not ok %d - %s/%s: %d of %d inputs failed\n",
			    ntests, kinds[k], FUZZ_NAME, failed, ninputs);
			nfailed++;
		} else {
			printf("ok %d - %s/%s: %d input%s run clean\n", ntests,
			    kinds[k], FUZZ_NAME, ninputs,
			    ninputs == 1 ? "" : "s");
		}
		free(dir);
	}
	printf("1..%d\n", ntests);
	return (nfailed == 0 ? 0 : 1);
}

int
main(int argc, char **argv)
{
	struct dirent	**names;
	struct stat	  st;
	char		 *path;
	int		  i, j, n, ret = 0;

	if (argc == 1)
		return (replay_tap());
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
			if (replay_one(argv[i]) != 0)
				ret = 1;
			continue;
		}
		if ((n = replay_list(argv[i], &names)) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			ret = 1;
			continue;
		}
		for (j = 0; j < n; j++) {
			if (asprintf(&path, "%s/%s", argv[i],
			    names[j]->d_name) < 0)
				abort();
			if (replay_one(path) != 0)
				ret = 1;
			free(path);
		}
		replay_free(names, n);
	}
	return (ret);
}

#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static int on = -1; /* -1: not asked yet */
static bool shown;
static struct timespec last;

bool progress_on(void)
{
	if (on < 0)
		on = isatty(STDERR_FILENO);
	return on;
}

void progress_show(bool force, const char *fmt, ...)
{
	if (!progress_on())
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000;
	if (shown && !force && ms < 100)
		return;
	last = now;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* a line that wraps cannot be rewritten with \r: cut it to the width */
	struct winsize ws;
	int width = !ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) && ws.ws_col > 1 ? ws.ws_col - 1 : 79;
	fprintf(stderr, "\r\033[K%.*s", width, line);
	fflush(stderr);
	shown = true;
}

void progress_clear(void)
{
	if (!shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	shown = false;
}

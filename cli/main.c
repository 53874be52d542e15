/* rhc command line. The only file that prints or exits. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assets.h"
#include "compile.h"
#include "emit.h"
#include "load.h"
#include "verify.h"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

static const char usage_text[] =
	"usage: rhc build SPEC -o DIR [--force] [--check]\n"
	"       rhc check SPEC [--format text|json]\n"
	"       rhc verify [DIR] [--require-tools] [--format text|json|junit] [--lb]\n"
	"                  [--cluster [--kubeconfig F] [--context C] [--wait DURATION] [--allow-exec]\n"
	"                  [--rehearsal]]\n"
	"       rhc schema\n"
	"       rhc explain PATH\n"
	"       rhc init [--distro rke1|rke2|k3s] [-o FILE]\n"
	"       rhc --version\n"
	"       rhc help [COMMAND]\n"
	"SPEC may be '-' for standard input. Exit: 0 ok, 1 spec errors or differences,\n"
	"2 usage, 3 I/O or internal error.\n";

static const struct {
	const char *name;
	const char *text;
} help_texts[] = {
	{"build", "rhc build SPEC -o DIR [--force] [--check]\n"
		  "  Checks SPEC and renders every artefact into DIR, atomically: a temporary\n"
		  "  directory beside DIR is written, synced and swapped into place, so an error\n"
		  "  leaves the old DIR as it was. A DIR that rhc did not make (no MANIFEST) is\n"
		  "  refused unless --force. --check renders and reports each file of DIR that\n"
		  "  differs (exit 1), writing nothing.\n"},
	{"check", "rhc check SPEC [--format text|json]\n"
		  "  Validates SPEC and prints every diagnostic as FILE:LINE:COL: error: PATH: MESSAGE.\n"},
	{"verify", "rhc verify [DIR] [--require-tools] [--format text|json|junit] [--lb]\n"
		   "           [--cluster [--kubeconfig F] [--context C] [--wait DURATION] [--allow-exec]\n"
		   "            [--rehearsal]]\n"
		   "  Proves a built DIR (default out/) right, reading only what is in it: MANIFEST\n"
		   "  integrity, each artefact parsed, the artefacts consistent with each other and\n"
		   "  with spec.json, then the real tools (nginx -t, kubectl patch --local,\n"
		   "  shellcheck) when on PATH, and each script run against recorders. One line per\n"
		   "  check; exit 0 only when none failed. --require-tools: a missing tool fails.\n"
		   "  --format json or junit: the report as one JSON document, or as JUnit XML for\n"
		   "  CI test reporters (a testcase per check); the exit status is the same.\n"
		   "  --lb: also runs nginx.conf in a real nginx on loopback against backends inside\n"
		   "  rhc, and checks balancing and failover.\n"
		   "  --cluster: also asks the Kubernetes API (kubeconfig: --kubeconfig, $KUBECONFIG\n"
		   "  or ~/.kube/config; --context) whether the install is what spec.json says;\n"
		   "  --wait DURATION polls until ready; --allow-exec runs exec credential plugins;\n"
		   "  --rehearsal: the cluster is a rehearsal (rehearsal/run.sh), not behind the\n"
		   "  spec's load balancer and running no Rancher process: what only Rancher\n"
		   "  itself does (/ping, its agents) is a SKIP with that reason.\n"},
	{"schema", "rhc schema\n  Prints the spec's JSON Schema (draft 2020-12), for editors.\n"},
	{"explain", "rhc explain PATH\n"
		    "  What the schema says about one field of the spec: type, default, allowed\n"
		    "  values, pattern, range, example and description, and the fields under it.\n"
		    "  PATH is dotted; [] steps into a list's items: rhc explain loadBalancer.failTimeout,\n"
		    "  rhc explain nodes[].roles, rhc explain rancher, rhc explain '' (the whole spec).\n"
		    "  An unknown PATH exits 1 with a \"did you mean\".\n"},
	{"init", "rhc init [--distro rke1|rke2|k3s] [-o FILE]\n"
		 "  Prints a commented example spec that builds as printed: rke2 (the default),\n"
		 "  k3s, or rke1 (the 2019 walk-through's setup). -o FILE writes it to FILE\n"
		 "  instead, which must not exist yet (exit 3 if it does).\n"},
};

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "rhc: %s\n", msg);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/* Colour for a terminal, unless NO_COLOR (https://no-color.org) or TERM=dumb
 * says otherwise. */
static bool colour_stderr(void)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
	return isatty(STDERR_FILENO) && !(no && *no) && !(term && !strcmp(term, "dumb"));
}

static void print_diags(struct diags *d, bool json)
{
	struct buf b = {0};
	diags_sort(d);
	/* the embedded files (templates, the schema) can always be quoted */
	for (const struct asset *a = rhc_assets; !json && a->name; a++)
		diags_quote(d, a->name, a->data, a->len);
	if (json)
		diags_format_json(d, &b);
	else if (colour_stderr())
		diags_format_colour(d, &b);
	else
		diags_format_text(d, &b);
	if (b.len)
		fwrite(b.data, 1, b.len, json ? stdout : stderr);
	buf_free(&b);
}

/* Reads all of PATH ("-" for stdin), up to one byte past the loader's cap so
 * the loader can say the file is too large. NULL with errno on failure. */
static char *read_spec(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return NULL;
	struct buf b = {.limit = LOAD_MAX_BYTES + 1};
	/* A regular file: one buffer of its size, not doublings up to twice it. */
	struct stat st;
	if (f != stdin && !fstat(fileno(f), &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (size_t)st.st_size <= LOAD_MAX_BYTES) {
		b.data = malloc((size_t)st.st_size + 2);
		b.cap = b.data ? (size_t)st.st_size + 2 : 0;
	}
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && !buf_failed(&b)) {
		size_t room = LOAD_MAX_BYTES + 1 - b.len;
		buf_put(&b, chunk, n < room ? n : room);
		if (b.len > LOAD_MAX_BYTES)
			break;
	}
	int err = ferror(f) ? errno : 0;
	if (f != stdin)
		fclose(f);
	if (err || buf_failed(&b)) {
		buf_free(&b);
		errno = err ? err : ENOMEM;
		return NULL;
	}
	return buf_take(&b, len);
}

static const char *spec_name(const char *path)
{
	return strcmp(path, "-") ? path : "<stdin>";
}

static int cmd_check(int argc, char **argv)
{
	const char *spec = NULL;
	bool json = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			const char *f = argv[++i];
			if (strcmp(f, "json") && strcmp(f, "text"))
				return usage("--format takes text or json");
			json = !strcmp(f, "json");
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage("unknown option for check");
		} else if (!spec) {
			spec = argv[i];
		} else {
			return usage("check takes one SPEC");
		}
	}
	if (!spec)
		return usage("check needs a SPEC");
	size_t len = 0;
	char *data = read_spec(spec, &len);
	if (!data) {
		fprintf(stderr, "%s: error: cannot read: %s\n", spec_name(spec), strerror(errno));
		return EXIT_IO;
	}
	struct diags d = {0};
	struct arena a = {0};
	compile_check(&a, spec_name(spec), data, len, &d);
	diags_quote(&d, spec_name(spec), data, len);
	print_diags(&d, json);
	int rc = d.errors ? EXIT_FAILED : EXIT_OK;
	arena_free(&a);
	diags_free(&d);
	free(data);
	return rc;
}

/* Renders C straight into DIR's temp dir, swapped in only when all is well. */
static int build_write(struct compiled *c, const char *dir, bool force, struct diags *d)
{
	enum emit_status st;
	struct emit_writer *w = emit_open(dir, force, d, &st);
	if (!w)
		return EXIT_IO;
	bool rendered = compile_render(c, emit_writer_sink(w), d);
	size_t nfiles = 0;
	if (emit_close(w, rendered, &nfiles) != EMIT_OK)
		return EXIT_IO; /* a write or the swap failed */
	if (!rendered)
		return d->errors ? EXIT_FAILED : EXIT_IO; /* a template error */
	printf("rhc: wrote %zu files to %s\n", nfiles, dir);
	return EXIT_OK;
}

/* Renders C and compares it with DIR as it goes; writes nothing. */
static int build_check(struct compiled *c, const char *dir, struct diags *d)
{
	struct emit_checker *ck = emit_check_open(dir);
	bool rendered = compile_render(c, emit_checker_sink(ck), d);
	if (emit_check_close(ck, rendered, d) != EMIT_OK)
		return EXIT_FAILED;
	return rendered ? EXIT_OK : d->errors ? EXIT_FAILED : EXIT_IO;
}

static int cmd_build(int argc, char **argv)
{
	const char *spec = NULL, *dir = NULL;
	bool force = false, check = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--force"))
			force = true;
		else if (!strcmp(argv[i], "--check"))
			check = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return usage("unknown option for build");
		else if (!spec)
			spec = argv[i];
		else
			return usage("build takes one SPEC");
	}
	if (!spec || !dir)
		return usage("build needs a SPEC and -o DIR");
	if (!*dir)
		return usage("-o needs a directory name, not an empty string");
	size_t len = 0;
	char *data = read_spec(spec, &len);
	if (!data) {
		fprintf(stderr, "%s: error: cannot read: %s\n", spec_name(spec), strerror(errno));
		return EXIT_IO;
	}
	struct diags d = {0};
	struct compiled c;
	int rc;
	/* Output is opened only for a spec that checked clean: a bad spec never
	 * creates a temp dir. */
	bool prepared = compile_prepare(&c, spec_name(spec), data, len, &d);
	diags_quote(&d, spec_name(spec), data, len);
	free(data); /* the checked spec holds copies: 8 MB less while lowering and rendering */
	data = NULL;
	if (!prepared)
		rc = d.errors ? EXIT_FAILED : EXIT_IO;
	else if (check)
		rc = build_check(&c, dir, &d);
	else
		rc = build_write(&c, dir, force, &d);
	print_diags(&d, false);
	compile_free(&c);
	diags_free(&d);
	return rc;
}

/* "90s", "10m", "1h", "2h30m" or plain seconds -> seconds; -1 when malformed. */
static int parse_duration(const char *s)
{
	long total = 0;
	if (!*s)
		return -1;
	while (*s) {
		char *end;
		long n = strtol(s, &end, 10);
		if (end == s || n < 0 || n > 86400)
			return -1;
		long unit = 1;
		if (*end == 'h')
			unit = 3600, end++;
		else if (*end == 'm')
			unit = 60, end++;
		else if (*end == 's')
			end++;
		else if (*end)
			return -1;
		total += n * unit;
		if (total > 86400)
			return -1;
		s = end;
	}
	return (int)total;
}

static int cmd_verify(int argc, char **argv)
{
	const char *dir = NULL;
	static const struct {
		const char *name;
		void (*format)(const struct report *, struct buf *);
	} formats[] = {
		{"text", report_format_text},
		{"json", report_format_json},
		{"junit", report_format_junit},
	};
	void (*format)(const struct report *, struct buf *) = report_format_text;
	struct verify_options opt = {0};
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			const char *f = argv[++i];
			format = NULL;
			for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++)
				if (!strcmp(f, formats[k].name))
					format = formats[k].format;
			if (!format)
				return usage("--format takes text, json or junit");
		} else if (!strcmp(argv[i], "--require-tools")) {
			opt.require_tools = true;
		} else if (!strcmp(argv[i], "--lb")) {
			opt.lb = true;
		} else if (!strcmp(argv[i], "--cluster")) {
			opt.cluster = true;
		} else if (!strcmp(argv[i], "--kubeconfig") && i + 1 < argc) {
			opt.kubeconfig = argv[++i];
		} else if (!strcmp(argv[i], "--context") && i + 1 < argc) {
			opt.context = argv[++i];
		} else if (!strcmp(argv[i], "--wait") && i + 1 < argc) {
			opt.wait_s = parse_duration(argv[++i]);
			if (opt.wait_s < 0)
				return usage("--wait takes a duration such as 90s, 10m or 1h");
		} else if (!strcmp(argv[i], "--allow-exec")) {
			opt.allow_exec = true;
		} else if (!strcmp(argv[i], "--verbose")) {
			opt.verbose = true;
		} else if (!strcmp(argv[i], "--rehearsal")) {
			opt.rehearsal = true;
		} else if (argv[i][0] == '-') {
			return usage("unknown option for verify");
		} else if (!dir) {
			dir = argv[i];
		} else {
			return usage("verify takes one DIR");
		}
	}
	if (!dir)
		dir = "out";
	if ((opt.kubeconfig || opt.context || opt.wait_s || opt.allow_exec || opt.rehearsal) && !opt.cluster)
		return usage("--kubeconfig, --context, --wait, --allow-exec and --rehearsal go with --cluster");
	struct report r = {0};
	int rc_io = verify_dir(dir, &opt, &r);
	if (!rc_io && opt.lb)
		rc_io = verify_lb(dir, &opt, &r);
	if (!rc_io && opt.cluster)
		rc_io = verify_cluster(dir, &opt, &r);
	if (rc_io) {
		fprintf(stderr, "%s: error: cannot read: %s\n", dir, strerror(errno));
		report_free(&r);
		return EXIT_IO;
	}
	struct buf b = {0};
	format(&r, &b);
	fwrite(b.data ? b.data : "", 1, b.len, stdout);
	buf_free(&b);
	int rc = r.failed ? EXIT_FAILED : EXIT_OK;
	report_free(&r);
	return rc;
}

static int cmd_explain(int argc, char **argv)
{
	if (argc != 1)
		return usage("explain takes one PATH, such as loadBalancer.failTimeout or nodes[].roles");
	struct buf out = {0};
	struct diags d = {0};
	bool ok = compile_explain(argv[0], &out, &d);
	if (ok)
		fwrite(out.data, 1, out.len, stdout);
	print_diags(&d, false);
	buf_free(&out);
	int rc = ok ? EXIT_OK : d.errors ? EXIT_FAILED : EXIT_IO;
	diags_free(&d);
	return rc;
}

static int print_asset(const char *name)
{
	const struct asset *a = asset_find(name);
	if (!a) {
		fprintf(stderr, "rhc: %s is not embedded\n", name);
		return EXIT_IO;
	}
	fwrite(a->data, 1, a->len, stdout);
	return EXIT_OK;
}

/* The example spec each distro's `rhc init` prints; the first is the default. */
static const struct {
	const char *distro;
	const char *asset;
} init_specs[] = {
	{"rke2", "examples/rke2.yml"},
	{"k3s", "examples/k3s.yml"},
	{"rke1", "examples/rancher-ha.yml"},
};

/* A's bytes into a new file OUT (O_EXCL: never over a file, nor through a
 * symbolic link); a partial file is removed. */
static int write_new_file(const char *out, const struct asset *a)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		fprintf(stderr, "%s: error: %s\n", out,
			errno == EEXIST ? "exists; rhc init never writes over a file" : strerror(errno));
		return EXIT_IO;
	}
	size_t done = 0;
	while (done < a->len) {
		ssize_t n = write(fd, a->data + done, a->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	int err = done < a->len ? errno : 0;
	if (close(fd) && !err)
		err = errno;
	if (err || done < a->len) {
		fprintf(stderr, "%s: error: cannot write: %s\n", out, strerror(err ? err : EIO));
		unlink(out); /* ours: made by O_EXCL above */
		return EXIT_IO;
	}
	return EXIT_OK;
}

/* rhc init [--distro D] [-o FILE]: the commented example spec of D, printed
 * or written to a new FILE. */
static int cmd_init(int argc, char **argv)
{
	const char *distro = init_specs[0].distro, *out = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--distro") && i + 1 < argc)
			distro = argv[++i];
		else if (!strncmp(argv[i], "--distro=", 9))
			distro = argv[i] + 9;
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else
			return usage("init takes only --distro rke1|rke2|k3s and -o FILE");
	}
	for (size_t i = 0; i < sizeof(init_specs) / sizeof(init_specs[0]); i++) {
		if (strcmp(init_specs[i].distro, distro))
			continue;
		const struct asset *a = asset_find(init_specs[i].asset);
		return out && a ? write_new_file(out, a) : print_asset(init_specs[i].asset);
	}
	fprintf(stderr, "rhc: init --distro: '%s' is not one of rke1, rke2, k3s\n", distro);
	return EXIT_USAGE;
}

static int cmd_help(int argc, char **argv)
{
	if (argc == 0) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(help_texts) / sizeof(help_texts[0]); i++) {
		if (!strcmp(argv[0], help_texts[i].name)) {
			fputs(help_texts[i].text, stdout);
			return EXIT_OK;
		}
	}
	return usage("no such command");
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(NULL);
	const char *cmd = argv[1];
	int rc;
	if (!strcmp(cmd, "build"))
		rc = cmd_build(argc - 2, argv + 2);
	else if (!strcmp(cmd, "check"))
		rc = cmd_check(argc - 2, argv + 2);
	else if (!strcmp(cmd, "verify"))
		rc = cmd_verify(argc - 2, argv + 2);
	else if (!strcmp(cmd, "schema") && argc == 2)
		rc = print_asset(SCHEMA_ASSET);
	else if (!strcmp(cmd, "explain"))
		rc = cmd_explain(argc - 2, argv + 2);
	else if (!strcmp(cmd, "init"))
		rc = cmd_init(argc - 2, argv + 2);
	else if (!strcmp(cmd, "--version") || !strcmp(cmd, "version"))
		rc = (printf("rhc %s\n", RHC_VERSION), EXIT_OK);
	else if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
		rc = cmd_help(argc - 2, argv + 2);
	else
		return usage("unknown command");
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "rhc: cannot write standard output\n");
		return EXIT_IO;
	}
	return rc;
}

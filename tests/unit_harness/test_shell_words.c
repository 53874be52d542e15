/* shell_words.c: how lines of rhc's generated scripts split into words and
 * quoted parts, written as a compact dump per line:
 *   L<line>[!]: <col>P{text}P{text} <col>...
 * where P is B (bare), S ('...') or D ("..."), and '!' marks a line cut
 * short by an unterminated quote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../test_helpers.h"

#include "arena.h"
#include "buf.h"
#include "shell_words.h"

static void dump_text(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			buf_puts(b, "\\n");
		else if (s[i] == '\t')
			buf_puts(b, "\\t");
		else if (s[i] == '\0')
			buf_puts(b, "\\0");
		else
			buf_putc(b, s[i]);
	}
}

/* Splits a copy of SCRIPT exactly LEN bytes long (a read past the end shows
 * under ASan), checks each word is its parts joined, and returns the dump
 * (caller frees). */
static char *split(const char *script, size_t len)
{
	char *copy = exact_copy(script, len);
	struct arena a = {0};
	struct shell_line *lines = NULL;
	size_t n = shell_split(&a, copy, len, &lines);
	struct buf b = {0};
	for (size_t l = 0; l < n; l++) {
		const struct shell_line *line = &lines[l];
		assert_true(line->nwords > 0);
		buf_printf(&b, "%sL%d%s:", l ? "\n" : "", line->line, line->complete ? "" : "!");
		for (size_t w = 0; w < line->nwords; w++) {
			const struct shell_word *word = &line->words[w];
			assert_true(word->nparts > 0);
			assert_int_equal(word->text[word->len], '\0');
			size_t off = 0;
			buf_printf(&b, " %d", word->col);
			for (size_t p = 0; p < word->nparts; p++) {
				const struct shell_part *part = &word->parts[p];
				assert_int_equal(part->text[part->len], '\0');
				assert_true(off + part->len <= word->len);
				assert_memory_equal(word->text + off, part->text, part->len);
				off += part->len;
				buf_putc(&b, "BSD"[part->quote]);
				buf_putc(&b, '{');
				dump_text(&b, part->text, part->len);
				buf_putc(&b, '}');
			}
			assert_int_equal(off, word->len);
		}
	}
	arena_free(&a);
	free(copy);
	assert_false(buf_failed(&b));
	char *out = buf_take(&b, NULL);
	return out ? out : calloc(1, 1);
}

struct row {
	const char *in;
	size_t n;
	const char *want;
};

static void run_rows(const struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *got = split(rows[i].in, rows[i].n);
		if (strcmp(got, rows[i].want))
			fail_msg("row %zu:\n got: %s\nwant: %s", i, got, rows[i].want);
		free(got);
	}
}

/* Lines as rhc's templates write them. */
static void test_real_lines(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{S("docker run -d \\\n"
		   "    --name \"$container\" \\\n"
		   "    --restart=unless-stopped \\\n"
		   "    -p '80:80' \\\n"
		   "    \"$image\"\n"),
		 "L1: 1B{docker} 8B{run} 12B{-d} 5B{--name} 12D{$container} 5B{--restart=unless-stopped}"
		 " 5B{-p} 8S{80:80} 5D{$image}"},
		/* the walk-through's mistake: two words, which verify must catch */
		{S("docker run --restart =unless-stopped nginx"),
		 "L1: 1B{docker} 8B{run} 12B{--restart} 22B{=unless-stopped} 38B{nginx}"},
		{S("helm install 'rancher-stable/rancher' --set 'hostname=a.b' --set-file "
		   "bootstrapPassword=/dev/fd/3 3< <(printf '%s' \"${!password_var}\") \\\n"
		   "    --namespace cattle-system\n"),
		 "L1: 1B{helm} 6B{install} 14S{rancher-stable/rancher} 39B{--set} 45S{hostname=a.b}"
		 " 60B{--set-file} 71B{bootstrapPassword=/dev/fd/3} 99B{3<}"
		 " 102B{<(printf '%s' \"${!password_var}\")} 5B{--namespace} 17B{cattle-system}"},
		{S("    kubectl -n \"$namespace\" patch \"$kind\" \"$name\" --type strategic --patch "
		   "\"$(cat \"$here/$file\")\"\n"),
		 "L1: 5B{kubectl} 13B{-n} 16D{$namespace} 29B{patch} 35D{$kind} 43D{$name} 51B{--type}"
		 " 58B{strategic} 68B{--patch} 76D{$(cat \"$here/$file\")}"},
		/* one word, two parts */
		{S("fetch 'https://x/kubectl'.sha256 kubectl.sha256\n"),
		 "L1: 1B{fetch} 7S{https://x/kubectl}B{.sha256} 34B{kubectl.sha256}"},
		{S("here=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"\n"),
		 "L1: 1B{here=}D{$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)}"},
		{S("export KUBECONFIG=\"${KUBECONFIG:-$PWD/kube_config_rancher-cluster.yml}\"\n"),
		 "L1: 1B{export} 8B{KUBECONFIG=}D{${KUBECONFIG:-$PWD/kube_config_rancher-cluster.yml}}"},
		{S("ensure_namespace() {\n"
		   "    kubectl get namespace \"$1\" >/dev/null 2>&1 || kubectl create namespace \"$1\"\n"
		   "}\n"),
		 "L1: 1B{ensure_namespace} 17B{(} 18B{)} 20B{{}\n"
		 "L2: 5B{kubectl} 13B{get} 17B{namespace} 27D{$1} 32B{>} 33B{/dev/null} 43B{2>&} 46B{1}"
		 " 48B{||} 51B{kubectl} 59B{create} 66B{namespace} 76D{$1}\n"
		 "L3: 1B{}}"},
		{S("        skipped=$((skipped + 1))\n"),
		 "L1: 9B{skipped=$((skipped + 1))}"},
		{S("    case \"$out\" in\n"
		   "        *\"$want\"*) echo \"ok: $1 $want\" ;;\n"
		   "    esac\n"),
		 "L1: 5B{case} 10D{$out} 17B{in}\n"
		 "L2: 9B{*}D{$want}B{*} 18B{)} 20B{echo} 25D{ok: $1 $want} 40B{;;}\n"
		 "L3: 5B{esac}"},
		{S("    want=\"$(cut -d' ' -f1 <\"$2\")\"\n"),
		 "L1: 5B{want=}D{$(cut -d' ' -f1 <\"$2\")}"},
	};
	run_rows(rows, NROWS(rows));
}

static void test_lines_and_comments(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{S(""), ""},
		{S("\n\n   \n\t\n"), ""},
		{S("#!/usr/bin/env bash\n# a comment\n  # another\nset -euo pipefail\n"),
		 "L4: 1B{set} 5B{-euo} 10B{pipefail}"},
		/* '#' starts a comment only at the start of a word */
		{S("echo a#b '#' \"#\" \\# # the rest\n"),
		 "L1: 1B{echo} 6B{a#b} 10S{#} 14D{#} 18B{#}"},
		{S("echo a;#b\n"), "L1: 1B{echo} 6B{a} 7B{;}"},
		/* a comment does not continue with a backslash */
		{S("# x \\\necho y\n"), "L2: 1B{echo} 6B{y}"},
		/* a logical line is numbered by its first word's line */
		{S("a \\\n  b \\\n  c\nd\n"), "L1: 1B{a} 3B{b} 3B{c}\nL4: 1B{d}"},
		{S("\\\nx\n"), "L2: 1B{x}"},
		/* a continuation inside a word joins it */
		{S("ab\\\ncd ef"), "L1: 1B{abcd} 4B{ef}"},
		/* no newline at the end; a backslash at the very end is dropped, as bash does */
		{S("a b"), "L1: 1B{a} 3B{b}"},
		{S("a \\"), "L1: 1B{a}"},
		/* CRLF: the '\r' is part of the word, as bash reads it */
		{S("a\r\n"), "L1: 1B{a\r}"},
		/* columns count characters, not bytes */
		{S("echo '\xc3\xa9t\xc3\xa9' x\n"), "L1: 1B{echo} 6S{\xc3\xa9t\xc3\xa9} 12B{x}"},
		/* NUL bytes stay in the text */
		{S("a\0b c"), "L1: 1B{a\\0b} 5B{c}"},
	};
	run_rows(rows, NROWS(rows));
}

static void test_quotes(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{S("echo 'a b' \"c d\" e\\ f"), "L1: 1B{echo} 6S{a b} 12D{c d} 18B{e f}"},
		{S("echo 'a'\"b\"c"), "L1: 1B{echo} 6S{a}D{b}B{c}"},
		{S("echo '' \"\" a''b"), "L1: 1B{echo} 6S{} 9D{} 12B{a}S{}B{b}"},
		/* nothing escapes inside single quotes */
		{S("echo 'a\\' b"), "L1: 1B{echo} 6S{a\\} 11B{b}"},
		{S("echo 'a\\\nb'"), "L1: 1B{echo} 6S{a\\\\nb}"},
		/* inside double quotes a backslash escapes only $ ` \" \\ and newline */
		{S("echo \"a\\$b\\`c\\\"d\\\\e\\f\\\ng\""), "L1: 1B{echo} 6D{a$b`c\"d\\e\\fg}"},
		{S("echo \"two\nlines\" x\n"), "L1: 1B{echo} 6D{two\\nlines} 8B{x}"},
		/* a backslash outside quotes is removed */
		{S("echo \\$HOME \\'a\\'"), "L1: 1B{echo} 6B{$HOME} 13B{'a'}"},
		/* expansions stay verbatim inside their word, nested quotes and all */
		{S("echo ${x:-\"a b\"}c $(printf '%s)' \"$(date)\") `uname -a`"),
		 "L1: 1B{echo} 6B{${x:-\"a b\"}c} 19B{$(printf '%s)' \"$(date)\")} 45B{`uname -a`}"},
		{S("echo \"${a}${b:-}\" \"`echo \"x\"`\""),
		 "L1: 1B{echo} 6D{${a}${b:-}} 19D{`echo \"x\"`}"},
		{S("echo $'a\\'b c' d"), "L1: 1B{echo} 6B{$'a\\'b c'} 16B{d}"},
		{S("x=$(\n  echo a\n) y\nz"), "L1: 1B{x=$(\\n  echo a\\n)} 3B{y}\nL4: 1B{z}"},
		{S("a=(one two)"), "L1: 1B{a=} 3B{(} 4B{one} 8B{two} 11B{)}"},
	};
	run_rows(rows, NROWS(rows));
}

static void test_operators(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{S("a&&b||c;d|e&"), "L1: 1B{a} 2B{&&} 4B{b} 5B{||} 7B{c} 8B{;} 9B{d} 10B{|} 11B{e} 12B{&}"},
		{S("cmd >out 2>&1 <in >>log 2>err &>all"),
		 "L1: 1B{cmd} 5B{>} 6B{out} 10B{2>&} 13B{1} 15B{<} 16B{in} 19B{>>} 21B{log} 25B{2>}"
		 " 27B{err} 31B{&>} 33B{all}"},
		/* digits are a file descriptor only when bare and right before the operator */
		{S("echo 12>x '1'>y a1>z 3 >w"),
		 "L1: 1B{echo} 6B{12>} 9B{x} 11S{1} 14B{>} 15B{y} 17B{a1} 19B{>} 20B{z} 22B{3} 24B{>}"
		 " 25B{w}"},
		{S("(cd x; ls) | cat <<< \"s\""),
		 "L1: 1B{(} 2B{cd} 5B{x} 6B{;} 8B{ls} 10B{)} 12B{|} 14B{cat} 18B{<<<} 22D{s}"},
		{S("diff <(a) >(b c)x"), "L1: 1B{diff} 6B{<(a)} 11B{>(b c)x}"},
		{S("case x in a) ;; b) ;& esac"),
		 "L1: 1B{case} 6B{x} 8B{in} 11B{a} 12B{)} 14B{;;} 17B{b} 18B{)} 20B{;&} 23B{esac}"},
	};
	run_rows(rows, NROWS(rows));
}

static void test_heredocs(void **state)
{
	(void)state;
	static const struct row rows[] = {
		/* the body is no command line: skipped, with the line count kept */
		{S("cat <<EOF >x\n"
		   "body $x 'unterminated\n"
		   "EOF\n"
		   "next\n"),
		 "L1: 1B{cat} 5B{<<} 7B{EOF} 11B{>} 12B{x}\nL4: 1B{next}"},
		{S("cat <<-'END'; echo a\n"
		   "\t\tbody\n"
		   "\tEND\n"
		   "after\n"),
		 "L1: 1B{cat} 5B{<<-} 8S{END} 13B{;} 15B{echo} 20B{a}\nL4: 1B{after}"},
		{S("a <<X <<\"Y\"\nx\nX\ny\nY\nz\n"),
		 "L1: 1B{a} 3B{<<} 5B{X} 7B{<<} 9D{Y}\nL6: 1B{z}"},
		/* a body that never ends runs to the end of the script */
		{S("cat <<EOF\nno end\n"), "L1: 1B{cat} 5B{<<} 7B{EOF}"},
	};
	run_rows(rows, NROWS(rows));
}

static void test_unterminated(void **state)
{
	(void)state;
	static const struct row rows[] = {
		{S("ok\necho 'abc\ndef"), "L1: 1B{ok}\nL2!: 1B{echo} 6S{abc\\ndef}"},
		{S("echo \"abc"), "L1!: 1B{echo} 6D{abc}"},
		{S("echo \"abc\\"), "L1!: 1B{echo} 6D{abc\\}"},
		{S("echo $(abc"), "L1!: 1B{echo} 6B{$(abc}"},
		{S("echo \"${x"), "L1!: 1B{echo} 6D{${x}"},
		{S("echo `a"), "L1!: 1B{echo} 6B{`a}"},
		{S("echo $'a"), "L1!: 1B{echo} 6B{$'a}"},
		{S("echo $(echo 'a)"), "L1!: 1B{echo} 6B{$(echo 'a)}"},
		{S("echo <(a"), "L1!: 1B{echo} 6B{<(a}"},
	};
	run_rows(rows, NROWS(rows));
}

/* Every prefix of the scripts, each in a buffer of its exact length: no crash
 * and no read past the end (the checks in split() hold for each). */
static void test_prefixes(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
	} rows[] = {
		{S("helm install 'rancher-stable/rancher' --set-file b=/dev/fd/3 3< <(printf '%s' "
		   "\"${!password_var}\") \\\n  --namespace \"$(cat \"$here/$f\")\" `a` $'\\'' x\\\n")},
		{S("cat <<-EOF 2>&1 | a && b || (c; d) # c\n\tx\n\tEOF\ne\"f\\\"g\\\\\" 'h'\\ i ${j:-'}'}\n")},
		{S("a $(( (1 + 2) * 3 )) \"$(b \"${c[@]}\" `d`)\" \xc3\xa9\n")},
	};
	for (size_t r = 0; r < NROWS(rows); r++)
		for (size_t n = 0; n <= rows[r].n; n++)
			free(split(rows[r].in, n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_lines),
		cmocka_unit_test(test_lines_and_comments),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_heredocs),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_prefixes),
	};
	return cmocka_run_group_tests_name("shell_words", tests, NULL, NULL);
}

/* Spec bytes -> every artefact. Beyond "no crash, no hang": whatever rhc
 * accepts and renders, its own readers must read back — spec.json passes the
 * schema again, JSON patches parse strictly, nginx.conf and
 * rancher-cluster.yml parse — and spec.json rendered again gives every file
 * byte for byte (what rhc verify's render check relies on). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "json.h"
#include "load.h"
#include "lower.h"
#include "nginx_conf.h"
#include "shell_words.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct artefact *find(const struct artefacts *a, const char *path)
{
	for (size_t i = 0; i < a->count; i++)
		if (!strcmp(a->items[i].path, path))
			return &a->items[i];
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags d = {0};
	struct artefacts out = {0};
	if (compile_build("fuzz.yml", (const char *)data, size, &out, &d)) {
		struct arena a = {0};
		struct diags rd = {0};
		const struct artefact *spec = find(&out, "spec.json"), *conf = find(&out, "nginx.conf");
		const struct artefact *rke = find(&out, "rancher-cluster.yml");
		struct node *root = json_parse(&a, "spec.json", spec->data, spec->len, &rd);
		const struct val *back = root ? compile_check_tree(&a, "spec.json", root, &rd) : NULL;
		if (!back)
			abort(); /* rhc wrote a spec.json it cannot read back */
		struct artefacts again = {0};
		struct collector col;
		collector_init(&col, &again);
		const struct artefact *m = find(&out, "MANIFEST");
		char sha[65];
		snprintf(sha, sizeof(sha), "%.64s", m->data + strcspn(m->data, "\n") + 6);
		if (!render_all(lower_spec(&a, back), back, sha, &col.sink, &rd) || again.count != out.count)
			abort();
		for (size_t i = 0; i < out.count; i++)
			if (strcmp(again.items[i].path, out.items[i].path) || again.items[i].len != out.items[i].len ||
			    memcmp(again.items[i].data, out.items[i].data, out.items[i].len) ||
			    again.items[i].mode != out.items[i].mode)
				abort(); /* spec.json does not render what the spec rendered */
		artefacts_free(&again);
		if (!nginx_conf_parse(&a, "nginx.conf", conf->data, conf->len, &rd) || rd.errors)
			abort();
		if (rke && !load_yaml(&a, "rancher-cluster.yml", rke->data, rke->len, &rd))
			abort();
		for (size_t i = 0; i < out.count; i++) {
			const struct artefact *f = &out.items[i];
			if (!strncmp(f->path, "patches/", 8) && !json_parse(&a, f->path, f->data, f->len, &rd))
				abort();
			struct shell_line *lines;
			if (strstr(f->path, ".sh"))
				shell_split(&a, f->data, f->len, &lines);
		}
		diags_free(&rd);
		arena_free(&a);
		artefacts_free(&out);
	}
	diags_free(&d);
	return 0;
}

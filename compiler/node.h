/* The YAML tree rhc reads: mappings, sequences and scalars, each with its
 * location. Scalars keep their text untyped: the schema decides what a value
 * is (never YAML 1.1 guessing). All nodes live in the loader's arena. */
#ifndef RHC_NODE_H
#define RHC_NODE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum node_kind { NODE_SCALAR, NODE_MAP, NODE_SEQ };

struct val;

struct node {
	enum node_kind kind;
	bool plain; /* scalar written without quotes: may read as null/bool/int */
	uint16_t width; /* scalar: characters it spans on its line, quotes
			 * included (a diagnostic's tilde run); 0 unknown */
	int line;   /* 1-based */
	int col;    /* 1-based */
	const char *text; /* scalar text, NUL-terminated */
	size_t len;
	struct node *key;   /* set on each value of a mapping: its key scalar */
	struct node *first; /* children: sequence items or mapping values */
	struct node *last;
	struct node *next;
	size_t count;
	/* A sequence whose items were typed as they were read (tree.h): the
	 * typed list, and how many errors typing them reported. */
	struct val *typed;
	size_t typed_errors;
};

/* A plain scalar that YAML 1.2 reads as null: empty, ~, null. */
bool node_is_null(const struct node *n);
const char *node_kind_name(enum node_kind kind);
/* The value of KEY in mapping MAP, or NULL (also when MAP is NULL or not a
 * mapping), so lookups chain: node_member(node_member(root, "spec"), "x"). */
const struct node *node_member(const struct node *map, const char *key);
/* Appends CHILD to the items (or, with its key set, the members) of PARENT. */
void node_append(struct node *parent, struct node *child);
/* Dotted lookup through mappings: node_path(obj, "spec.template.spec"). */
const struct node *node_path(const struct node *obj, const char *path);

#endif

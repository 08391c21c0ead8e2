/* form_ec2launch.c: EC2Launch-style user data: <powershell>, our <ecs-bootstrap> INI
 * block(s) and <script> blocks side by side. The PowerShell reader gets the document
 * without the other blocks, the INI reader the INI blocks alone (both blanked in
 * place, so line numbers are those of the document). EC2Launch runs <script> with
 * cmd.exe: its lines are listed as left for cmd, never read as PowerShell. */
#include "ud.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/userdata/userdata.h"

#define MAX_BLOCKS 16

enum block_kind { B_INI, B_SCRIPT };

static const struct {
    const char *open, *close, *fix;
} tags[] = {
    [B_INI] = {"<" ECSB_USERDATA_TAG ">", "</" ECSB_USERDATA_TAG ">", "end the INI block with </" ECSB_USERDATA_TAG ">"},
    [B_SCRIPT] = {"<script>", "</script>", "end the cmd block with </script>"},
};

struct blocks {
    enum block_kind kind[MAX_BLOCKS];
    size_t inner[MAX_BLOCKS][2];     /* text inside each block */
    size_t outer[MAX_BLOCKS + 1][2]; /* everything between the blocks: PowerShell */
    size_t n;
};

/* The next opening tag of any kind at or after from, or NULL. */
static const char *next_open(const struct ud_doc *d, size_t from, enum block_kind *kind)
{
    const char *best = NULL;
    for (int k = B_INI; k <= B_SCRIPT; k++) {
        const char *o = ud_find_ci(d->s + from, d->len - from, tags[k].open);
        if (o && (!best || o < best))
            best = o, *kind = (enum block_kind)k;
    }
    return best;
}

static enum ecsb_status find_blocks(struct ud *u, const struct ud_doc *d, struct blocks *b)
{
    const char *s = d->s;
    size_t len = d->len, from = 0;
    b->n = 0;
    for (;;) {
        enum block_kind k = B_INI;
        const char *o = next_open(d, from, &k);
        const char *stray = ud_find_ci(s + from, len - from, tags[B_INI].close);
        if (stray && (!o || stray < o))
            return ud_invalid_at(u, d->origin, s, (size_t)(stray - s), "</" ECSB_USERDATA_TAG "> without an opening tag",
                                 "open the block with <" ECSB_USERDATA_TAG "> or remove the stray tag");
        if (!o)
            break;
        size_t body = (size_t)(o - s) + strlen(tags[k].open);
        const char *c = ud_find_ci(s + body, len - body, tags[k].close);
        if (!c) {
            char what[64];
            snprintf(what, sizeof what, "%s is not closed", tags[k].open);
            return ud_invalid_at(u, d->origin, s, (size_t)(o - s), what, tags[k].fix);
        }
        if (b->n == MAX_BLOCKS)
            return ud_invalid_at(u, d->origin, s, (size_t)(o - s), "too many <" ECSB_USERDATA_TAG "> and <script> "
                                 "blocks", "merge them into one block of each kind");
        b->kind[b->n] = k;
        b->outer[b->n][0] = from;
        b->outer[b->n][1] = (size_t)(o - s);
        b->inner[b->n][0] = body;
        b->inner[b->n][1] = (size_t)(c - s);
        b->n++;
        from = (size_t)(c - s) + strlen(tags[k].close);
    }
    b->outer[b->n][0] = from;
    b->outer[b->n][1] = len;
    return ECSB_OK;
}

/* The inner ranges of the blocks of one kind. */
static size_t ranges_of(const struct blocks *b, enum block_kind k, size_t (*out)[2])
{
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->kind[i] == k) {
            out[n][0] = b->inner[i][0];
            out[n][1] = b->inner[i][1];
            n++;
        }
    return n;
}

static bool ec2launch_detect(struct ud *u, const struct ud_doc *d)
{
    (void)u;
    return ud_has_ec2launch_tags(d->s, d->len);
}

static enum ecsb_status ec2launch_read(struct ud *u, const struct ud_doc *d)
{
    struct blocks b;
    enum ecsb_status st = find_blocks(u, d, &b);
    if (st != ECSB_OK)
        return st;
    char *ps = ud_blank_except(d->s, d->len, (const size_t(*)[2])b.outer, b.n + 1);
    st = ud_read_powershell(u, ps, strlen(ps), d->origin);
    free(ps);
    size_t ini[MAX_BLOCKS][2];
    size_t n_ini = ranges_of(&b, B_INI, ini);
    if (st == ECSB_OK && n_ini > 0) {
        ud_add_format(d->fmt, "ini");
        char *text = ud_blank_except(d->s, d->len, (const size_t(*)[2])ini, n_ini);
        st = ud_read_ini(u, text, d->origin);
        free(text);
    }
    for (size_t i = 0; st == ECSB_OK && i < b.n; i++)
        if (b.kind[i] == B_SCRIPT)
            ud_list_lines(u, d, b.inner[i], "not an ECS setting: left for cmd to run (EC2Launch runs <script> "
                          "blocks with cmd.exe)", "<script>");
    return st;
}

const struct ud_form ud_form_ec2launch = {"ec2launch", false, ec2launch_detect, ec2launch_read};

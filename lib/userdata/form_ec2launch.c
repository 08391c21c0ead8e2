/* form_ec2launch.c: EC2Launch-style user data: <powershell> and/or our
 * <ecs-bootstrap> INI block(s) side by side. The PowerShell reader gets the document
 * without the INI blocks, the INI reader the blocks alone (both blanked in place, so
 * line numbers are those of the document). */
#include "ud.h"

#include <stdlib.h>
#include <string.h>

#include "ecsb/userdata/userdata.h"

#define MAX_BLOCKS 16

struct blocks {
    size_t inner[MAX_BLOCKS][2];     /* INI text inside each block */
    size_t outer[MAX_BLOCKS + 1][2]; /* everything between the blocks */
    size_t n;
};

static const char open_tag[] = "<" ECSB_USERDATA_TAG ">", close_tag[] = "</" ECSB_USERDATA_TAG ">";

static enum ecsb_status find_blocks(struct ud *u, const struct ud_doc *d, struct blocks *b)
{
    const char *s = d->s;
    size_t len = d->len, from = 0;
    b->n = 0;
    for (;;) {
        const char *o = ud_find_ci(s + from, len - from, open_tag);
        const char *c = ud_find_ci(s + from, len - from, close_tag);
        if (c && (!o || c < o))
            return ud_invalid_at(u, d->origin, s, (size_t)(c - s), "</" ECSB_USERDATA_TAG "> without an opening tag",
                                 "open the block with <" ECSB_USERDATA_TAG "> or remove the stray tag");
        if (!o)
            break;
        if (!c)
            return ud_invalid_at(u, d->origin, s, (size_t)(o - s), "<" ECSB_USERDATA_TAG "> is not closed",
                                 "end the INI block with </" ECSB_USERDATA_TAG ">");
        if (b->n == MAX_BLOCKS)
            return ud_invalid_at(u, d->origin, s, (size_t)(o - s), "too many <" ECSB_USERDATA_TAG "> blocks",
                                 "merge them into one block");
        b->outer[b->n][0] = from;
        b->outer[b->n][1] = (size_t)(o - s);
        b->inner[b->n][0] = (size_t)(o - s) + sizeof open_tag - 1;
        b->inner[b->n][1] = (size_t)(c - s);
        b->n++;
        from = (size_t)(c - s) + sizeof close_tag - 1;
    }
    b->outer[b->n][0] = from;
    b->outer[b->n][1] = len;
    return ECSB_OK;
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
    if (st == ECSB_OK && b.n > 0) {
        ud_add_format(d->fmt, "ini");
        char *ini = ud_blank_except(d->s, d->len, (const size_t(*)[2])b.inner, b.n);
        st = ud_read_ini(u, ini, d->origin);
        free(ini);
    }
    return st;
}

const struct ud_form ud_form_ec2launch = {"ec2launch", false, ec2launch_detect, ec2launch_read};

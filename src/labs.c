/* labs.c: the lab table, one row a lab, in the order `parlab list` and the tour show
 * them. See lab.h for the checklist. */
#include "lab.h"

#include <string.h>

const struct lab *const lab_table[] = {
    &lab_amdahl,
    &lab_gil,
    &lab_tvp,
    &lab_pool,
    &lab_sync,
    &lab_freeze,
    &lab_xml,
    &lab_sklearn,
    &lab_stream,
    &lab_cluster,
};

const int lab_count = (int)(sizeof(lab_table) / sizeof(lab_table[0]));

const struct lab *lab_find(const char *name)
{
    for (int i = 0; i < lab_count; i++)
        if (!strcmp(lab_table[i]->name, name))
            return lab_table[i];
    return NULL;
}

int lab_nexperiments(const struct lab *lab)
{
    int n = 0;
    while (lab->experiments && lab->experiments[n].name)
        n++;
    return n;
}

int lab_noptions(const struct lab *lab)
{
    int n = 0;
    while (lab->options && lab->options[n].name)
        n++;
    return n;
}

int lab_experiment_index(const struct lab *lab, const char *name)
{
    int n = lab_nexperiments(lab);
    for (int i = 0; i < n; i++)
        if (!strcmp(lab->experiments[i].name, name))
            return i;
    return -1;
}

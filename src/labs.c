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
};

const int lab_count = (int)(sizeof(lab_table) / sizeof(lab_table[0]));

const struct lab *lab_find(const char *name)
{
    for (int i = 0; i < lab_count; i++)
        if (!strcmp(lab_table[i]->name, name))
            return lab_table[i];
    return NULL;
}

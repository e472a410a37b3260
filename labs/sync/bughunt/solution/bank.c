/* solution/bank.c: the bug hunt's deadlock, fixed.
 *
 * Each account has its own lock, so transfers between different accounts run in
 * parallel; a transfer locks both of its accounts, so no one ever sees the money in
 * flight, and the bank's total never changes.
 *
 * The bug: transfer(a, b) locked a then b, and transfer(b, a) at the same moment locked
 * b then a. Each teller then held one lock and waited for the other's, for ever.
 * ThreadSanitizer named it without needing the hang: a lock-order inversion (potential
 * deadlock), two mutexes taken in both orders. The fix: every thread takes the locks
 * in one global order, here the account with the lower address first, so a cycle of
 * waiting cannot form. (One lock for the whole bank works too, but then no two
 * transfers run at the same time.)
 *
 *   cc -O2 -pthread bank.c -o bank && ./bank
 *   cc -fsanitize=thread -g -O1 bank.c -o bank-tsan && ./bank-tsan
 *   sh check.sh bank */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define NACCOUNTS 8
#define NTELLERS 4
#define TRANSFERS 100000 /* per teller */
#define OPENING 1000     /* each account's opening balance */

struct account {
    pthread_mutex_t lock;
    long balance;
};

static struct account accounts[NACCOUNTS];

/* Move amount from one account to another, if the money is there. */
static void transfer(struct account *from, struct account *to, long amount)
{
    /* lock in one order for everyone: the lower address first (from != to) */
    struct account *first = from < to ? from : to, *second = from < to ? to : from;
    pthread_mutex_lock(&first->lock);
    pthread_mutex_lock(&second->lock);
    if (from->balance >= amount) {
        from->balance -= amount;
        to->balance += amount;
    }
    pthread_mutex_unlock(&second->lock);
    pthread_mutex_unlock(&first->lock);
}

static void *teller(void *arg)
{
    unsigned seed = (unsigned)(size_t)arg; /* each teller its own random numbers */
    for (int i = 0; i < TRANSFERS; i++) {
        int from = rand_r(&seed) % NACCOUNTS, to = rand_r(&seed) % NACCOUNTS;
        if (from != to)
            transfer(&accounts[from], &accounts[to], 1 + rand_r(&seed) % 100);
    }
    return NULL;
}

int main(void)
{
    pthread_t tid[NTELLERS];
    long sum = 0;
    for (int i = 0; i < NACCOUNTS; i++) {
        pthread_mutex_init(&accounts[i].lock, NULL);
        accounts[i].balance = OPENING;
    }
    for (long i = 0; i < NTELLERS; i++)
        pthread_create(&tid[i], NULL, teller, (void *)(i + 1));
    for (int i = 0; i < NTELLERS; i++)
        pthread_join(tid[i], NULL);
    for (int i = 0; i < NACCOUNTS; i++)
        sum += accounts[i].balance;
    printf("the bank holds %ld after %d transfers (it opened with %d)\n", sum,
           NTELLERS * TRANSFERS, NACCOUNTS * OPENING);
    return 0;
}

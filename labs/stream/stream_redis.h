/* stream_redis.h: hiredis, for the two files that talk to the broker directly
 * (stream_broker.c, stream_team.c). The rest of the lab uses struct stream_conn. */
#ifndef PARLAB_STREAM_REDIS_H
#define PARLAB_STREAM_REDIS_H

#include "stream.h"

#ifdef PARLAB_HAVE_HIREDIS
#include <hiredis/hiredis.h>
/* A connection to the broker (2 s to connect, 30 s for a reply), or NULL after saying
 * why. Never shared between processes or threads. */
redisContext *stream_connect(const struct stream_broker *b);
#endif

#endif

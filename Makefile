# parlab: one non-recursive Makefile.  `make help` lists the targets.
#
#   make                 build bin/parlab, bin/parmon and build/libparlab.a
#   make DEVELOPER=1     the same, warnings are errors (CI uses it)
#   make CC=clang        builds clean with clang too
#   make NO_PYTHON=1     build without the embedded CPython (the gil lab then says why it can't run)
#   make PYTHON_PC=python-3.12-embed   embed another CPython (its .pc on the PKG_CONFIG_PATH environment)
#   make V=1             show the full compiler command lines

CC        ?= cc
PKG_CONFIG ?= pkg-config
OPT       ?= -O2 -g
WARN      := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wundef -Wwrite-strings -Wno-unused-parameter
ifeq ($(DEVELOPER),1)
WARN      += -Werror
endif
CPPFLAGS  += -D_GNU_SOURCE -Isrc -MMD -MP
CFLAGS    ?=
CFLAGS    += -std=gnu11 $(OPT) $(WARN) -pthread -fopenmp $(SAN)
LDFLAGS   += -pthread -fopenmp $(SAN)
LDLIBS    := -lcsv -lm

# Build directory: sanitizer builds live apart so they never mix objects.
B         ?= build
BIN       ?= bin

# The embedded CPython: found with pkg-config, optional. PYTHON_PC picks another one,
# for example a newer CPython for the subinterpreters variant of the gil lab:
#   PKG_CONFIG_PATH=/opt/py312/lib/pkgconfig make PYTHON_PC=python-3.12-embed
# (PKG_CONFIG_PATH in the environment: as a make variable $(shell) would not see it)
PYTHON_PC ?= python3-embed
ifneq ($(NO_PYTHON),1)
PY_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PYTHON_PC) 2>/dev/null)
PY_LIBS   := $(shell $(PKG_CONFIG) --libs $(PYTHON_PC) 2>/dev/null)
ifneq ($(PY_LIBS),)
PY_VER    := $(shell $(PKG_CONFIG) --modversion $(PYTHON_PC) 2>/dev/null)
PY_EXE    := $(shell $(PKG_CONFIG) --variable=exec_prefix $(PYTHON_PC) 2>/dev/null)/bin/python$(PY_VER)
PY_LIBDIR := $(shell $(PKG_CONFIG) --variable=libdir $(PYTHON_PC) 2>/dev/null)
CPPFLAGS  += -DPARLAB_HAVE_PYTHON=1 -DPARLAB_PYTHON_EXE='"$(PY_EXE)"' $(PY_CFLAGS)
LDLIBS    += $(PY_LIBS)
# A CPython outside the system's library path is found at run time too.
ifneq ($(PYTHON_PC),python3-embed)
LDLIBS    += -Wl,-rpath,$(PY_LIBDIR)
endif
endif
endif

# Optional libraries some labs use: found with pkg-config; without one, the lab that
# needs it still lists, says which package is missing, and exits 3.
#   hiredis (stream lab), libxml-2.0 and expat (xml lab)
define optlib
ifneq ($$(shell $$(PKG_CONFIG) --exists $(1) 2>/dev/null && echo y),)
CPPFLAGS  += -DPARLAB_HAVE_$(2)=1 $$(shell $$(PKG_CONFIG) --cflags $(1))
LDLIBS    += $$(shell $$(PKG_CONFIG) --libs $(1))
endif
endef
ifneq ($(NO_OPTLIBS),1)
$(eval $(call optlib,hiredis,HIREDIS))
$(eval $(call optlib,libxml-2.0,LIBXML2))
$(eval $(call optlib,expat,EXPAT))
endif

NCURSES_CFLAGS := $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
NCURSES_LIBS   := $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw)

ifneq ($(V),1)
Q := @
endif

# --- what gets built ---------------------------------------------------------
# The library: every src/*.c but the programs' mains and parmon's screen.
LIB_SRC   := $(filter-out src/parlab_main.c src/parmon_main.c src/mon_%.c, $(wildcard src/*.c))
MON_SRC   := src/parmon_main.c $(wildcard src/mon_*.c)
# Labs: every labs/<lab>/*.c; exercise folders build on their own (`make -C` not needed: see labs/*/exercise).
# LABS="gil tvp" builds only those (the others list as not built): for working on one lab.
ALL_LABS  := $(notdir $(patsubst %/,%,$(wildcard labs/*/)))
LABS      ?= $(ALL_LABS)
STUB_LABS := $(filter-out $(LABS),$(ALL_LABS))
LAB_SRC   := $(filter-out labs/%/exercise/%, $(foreach l,$(LABS),$(wildcard labs/$(l)/*.c)))
# A lab's Python lives in .py files beside it (each runs on its own with python3); they
# are built in as strings named py_<file> (src/embed.sh).
PY_SRC    := $(filter-out labs/%/exercise/%, $(foreach l,$(LABS),$(wildcard labs/$(l)/*.py)))
TEST_SRC  := $(wildcard tests/test_*.c)
TOOL_SRC  := $(wildcard tests/tool_*.c)

LIB_OBJ   := $(LIB_SRC:%.c=$(B)/%.o)
LAB_OBJ   := $(LAB_SRC:%.c=$(B)/%.o) $(PY_SRC:%.py=$(B)/gen/%_py.o) $(if $(STUB_LABS),$(B)/gen/stub_labs.o)
MON_OBJ   := $(MON_SRC:%.c=$(B)/%.o)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(B)/tests/%) $(TOOL_SRC:tests/%.c=$(B)/tests/%)
LIB       := $(B)/libparlab.a

PROGS     := $(BIN)/parlab $(if $(wildcard src/parmon_main.c),$(BIN)/parmon)
# The freeze lab's stage program (labs/freeze/tui/, ncurses): built beside parlab.
PROGS     += $(if $(filter freeze,$(LABS)),$(BIN)/freeze)

.PHONY: FORCE all help deps check-deps deps-browser test test-unit test-san test-tsan tour tour-all plots slides slides-pdf bench clean demo demo-%
all: $(PROGS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/gen/%_py.c: %.py src/embed.sh
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  EMBED   $<")
	$(Q)sh src/embed.sh py_$(basename $(notdir $<)) $< > $@.tmp && mv $@.tmp $@

# With LABS=..., the labs left out still have their row in the table: not built. The
# file is rewritten only when the list changes.
$(B)/gen/stub_labs.c: FORCE
	@mkdir -p $(dir $@)
	$(Q){ echo '#include "lab.h"'; echo 'static const struct lab_experiment none[] = {{0, 0, 0, 0, 0}};'; \
	  for l in $(STUB_LABS); do echo "const struct lab lab_$$l = {.name = \"$$l\", .summary = \"(not built: LABS=$(LABS))\", .help = \"\", .experiments = none, .unavailable = \"not built in this build (make LABS=...)\"};"; done; } > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

FORCE:

$(B)/gen/stub_labs.o: $(B)/gen/stub_labs.c
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/gen/%_py.o: $(B)/gen/%_py.c
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/src/mon_%.o $(B)/src/parmon_main.o: CPPFLAGS += $(NCURSES_CFLAGS)

$(LIB): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BIN)/parlab: $(B)/src/parlab_main.o $(LAB_OBJ) $(LIB)
	@mkdir -p $(BIN)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# parmon never links the labs: it only watches.
$(BIN)/parmon: $(MON_OBJ) $(LIB)
	@mkdir -p $(BIN)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(NCURSES_LIBS) $(LDLIBS)

# bin/freeze: the freeze lab's UI loop drawn with ncurses, keys switch its mode (talk 2's
# live demo). It never links the labs: only the loop (labs/freeze/freeze_loop.c).
$(BIN)/freeze: $(B)/labs/freeze/tui/freeze_tui.o $(B)/labs/freeze/freeze_loop.o $(LIB)
	@mkdir -p $(BIN)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(NCURSES_LIBS) $(LDLIBS)

$(B)/labs/freeze/tui/freeze_tui.o: CPPFLAGS += $(NCURSES_CFLAGS)

# Unit tests: one program a tests/test_*.c, linked with the library and the labs
# (so lab internals declared in their headers can be tested too).
$(B)/tests/%: $(B)/tests/%.o $(filter-out $(B)/src/parlab_main.o,$(LAB_OBJ)) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# --- the cluster lab's MPI programs (issue 14) -------------------------------------
# What the cluster lab's ranks run: labs/cluster/mpi/cluster_NAME.c -> $(BIN)/cluster-NAME
# (a folder the labs' rule above does not compile), built with Open MPI's wrapper called by
# its own name, so an installed MPICH cannot switch it. Without mpicc.openmpi nothing is
# built here and the lab says why its MPI parts do not run. Not sanitized: Open MPI's own
# allocations would fill LeakSanitizer's report.
MPICC     ?= mpicc.openmpi
ifneq ($(filter cluster,$(LABS)),)
ifneq ($(shell command -v $(MPICC) 2>/dev/null),)
MPI_PROGS := $(patsubst labs/cluster/mpi/cluster_%.c,$(BIN)/cluster-%,$(wildcard labs/cluster/mpi/cluster_*.c))
all: $(MPI_PROGS)
$(BIN)/cluster-%: labs/cluster/mpi/cluster_%.c src/work.h
	@mkdir -p $(BIN)
	@$(if $(Q),echo "  MPICC   $<")
	$(Q)$(MPICC) -D_GNU_SOURCE -Isrc -std=gnu11 $(OPT) $(WARN) -o $@ $<
endif
endif

# --- dependencies --------------------------------------------------------------
deps:
	@sh src/deps.sh install

check-deps:
	@sh src/deps.sh check || sh src/deps.sh install

# What only the deck's browser test and its PDF need (headless Chromium): not the tour's.
deps-browser:
	@sh src/deps.sh check-browser || sh src/deps.sh install-browser

# --- the two commands of the quick start ----------------------------------------
tour: check-deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(BIN)/parlab tour

# The tour and the labs beyond one machine (cluster, stream): a few minutes.
tour-all: check-deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(BIN)/parlab tour --all

test: check-deps
	$(Q)$(MAKE) --no-print-directory all $(TEST_BIN)
	$(Q)sh tests/run.sh $(B) $(BIN)

test-unit: all $(TEST_BIN)
	$(Q)sh tests/run.sh --unit-only $(B) $(BIN)

# ASan + UBSan: the whole test suite, built apart under build-san/.
test-san: check-deps
	$(Q)$(MAKE) --no-print-directory B=build-san BIN=build-san/bin OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" all build-san/tests/.stamp
	$(Q)ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 sh tests/run.sh build-san build-san/bin

# TSan: the unit tests of the concurrent code (pool, harness, sync primitives).
# OpenMP is left out: libgomp is not built with TSan and would only report noise.
test-tsan: check-deps
	$(Q)$(MAKE) --no-print-directory B=build-tsan BIN=build-tsan/bin OPT="-O1 -g" \
	  SAN="-fsanitize=thread" all build-tsan/tests/.stamp
	$(Q)TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" sh tests/run.sh --tsan build-tsan build-tsan/bin

$(B)/tests/.stamp: $(TEST_BIN)
	@touch $@

# --- charts and benchmarks -------------------------------------------------------
plots:
	$(Q)sh plots/render.sh results

slides:
	$(Q)PARLAB=$(BIN)/parlab sh slides/build.sh results

# The deck printed by headless Chromium, one slide a page: results/slides/slides.pdf.
slides-pdf: slides
	$(Q)sh slides/pdf.sh results

bench: all
	$(Q)sh tests/bench.sh $(BIN)

# The talk's demos (src/demo.sh): demo-LAB, parmon beside one lab's steady phases;
# demo, the canonical sequence (GIL, processes, pool overhead, false sharing, Amdahl),
# a key between steps. Their results go to results/demo/ (DEMO_OUT).
demo-%: all
	$(Q)PARLAB=$(BIN)/parlab PARMON=$(BIN)/parmon sh src/demo.sh $*

demo: all
	$(Q)PARLAB=$(BIN)/parlab PARMON=$(BIN)/parmon sh src/demo.sh

clean:
	rm -rf build build-san build-tsan bin

help:
	@echo "parlab make targets"
	@echo "  make tour       build, run every lab briefly, draw every chart (the main job)"
	@echo "  make tour-all   the tour and the labs beyond one machine (cluster, stream)"
	@echo "  make test       build and run all tests (last line: N passed, N failed)"
	@echo "  make            build bin/parlab, bin/parmon"
	@echo "  make deps       install missing Debian packages"
	@echo "  make plots      draw every chart from results/ into results/plots/"
	@echo "  make slides     a talk deck (HTML) from your results: results/slides/index.html"
	@echo "  make slides-pdf the deck as a PDF, one slide a page (needs make deps-browser)"
	@echo "  make deps-browser  headless Chromium, for the deck's browser test and its PDF"
	@echo "  make bench      performance ratios, measured side by side in one run"
	@echo "  make demo-LAB   tmux: parmon following a lab, for a talk (e.g. make demo-amdahl)"
	@echo "  make demo       the talk's 10-minute demo, step by step (a key between steps)"
	@echo "  make test-san   tests under ASan and UBSan"
	@echo "  make test-tsan  concurrent code under ThreadSanitizer"
	@echo "  make clean      remove build outputs (results/ is kept)"
	@echo "Options: DEVELOPER=1 (warnings are errors), CC=clang, NO_PYTHON=1, PYTHON_PC=NAME (another CPython, by its pkg-config name), V=1"

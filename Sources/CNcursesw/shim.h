#ifndef GROCERY_CNCURSESW_SHIM_H
#define GROCERY_CNCURSESW_SHIM_H

// SwiftPM drops pkg-config's -D_XOPEN_SOURCE/-D_DEFAULT_SOURCE, so ask for the
// wide-character API explicitly (wget_wch, mvwaddnwstr, wint_t).
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <stdio.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>

// Macros and globals Swift cannot import (or rejects as shared mutable state).
static inline WINDOW *grocery_stdscr(void) { return stdscr; }
static inline int grocery_lines(void) { return LINES; }
static inline int grocery_cols(void) { return COLS; }
static inline int grocery_colors(void) { return COLORS; }
static inline int grocery_getmaxy(WINDOW *w) { return getmaxy(w); }
static inline int grocery_getmaxx(WINDOW *w) { return getmaxx(w); }
static inline int grocery_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline attr_t grocery_a_normal(void) { return A_NORMAL; }
static inline attr_t grocery_a_bold(void) { return A_BOLD; }
static inline attr_t grocery_a_dim(void) { return A_DIM; }
static inline attr_t grocery_a_reverse(void) { return A_REVERSE; }
static inline attr_t grocery_a_underline(void) { return A_UNDERLINE; }
static inline chtype grocery_acs_hline(void) { return ACS_HLINE; }
static inline FILE *grocery_stdout(void) { return stdout; }
static inline FILE *grocery_stdin(void) { return stdin; }
static inline chtype grocery_acs_vline(void) { return ACS_VLINE; }

#endif

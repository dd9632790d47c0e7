package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// bulkRows is how many rows one prepared multi-row INSERT carries; it keeps
// the number of parameters under SQLite's limit for the widest table.
const bulkRows = 200

// inserter writes rows to one table with prepared multi-row INSERT statements
// in the caller's transaction. Rows of its parents (tables it refers to) are
// written first, so foreign keys hold after every statement on both engines.
type inserter struct {
	ctx     context.Context
	tx      *sql.Tx
	table   string
	cols    []string
	parents []*inserter
	stmts   map[int]*sql.Stmt // by number of rows
	buf     []any
	n       int
	Total   int
}

func newInserter(ctx context.Context, tx *sql.Tx, table string, cols ...string) *inserter {
	return &inserter{ctx: ctx, tx: tx, table: table, cols: cols, stmts: map[int]*sql.Stmt{}}
}

// after makes b write the pending rows of parents before its own.
func (b *inserter) after(parents ...*inserter) *inserter {
	b.parents = append(b.parents, parents...)
	return b
}

// insertSQL is an INSERT of rows rows with $n placeholders (both engines accept them).
func (b *inserter) insertSQL(rows int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "INSERT INTO %s (%s) VALUES ", b.table, strings.Join(b.cols, ", "))
	p := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for c := range b.cols {
			if c > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "$%d", p)
			p++
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// add queues one row, writing a full batch when there is one.
func (b *inserter) add(vals ...any) error {
	if len(vals) != len(b.cols) {
		return fmt.Errorf("demo: %s: %d values for %d columns", b.table, len(vals), len(b.cols))
	}
	b.buf = append(b.buf, vals...)
	b.n++
	b.Total++
	if b.n < bulkRows {
		return nil
	}
	return b.write()
}

// write writes the pending rows, after those of the parents.
func (b *inserter) write() error {
	for _, p := range b.parents {
		if err := p.write(); err != nil {
			return err
		}
	}
	if b.n == 0 {
		return nil
	}
	st := b.stmts[b.n]
	if st == nil {
		var err error
		if st, err = b.tx.PrepareContext(b.ctx, b.insertSQL(b.n)); err != nil {
			return fmt.Errorf("demo: prepare %s: %w", b.table, err)
		}
		b.stmts[b.n] = st
	}
	if _, err := st.ExecContext(b.ctx, b.buf...); err != nil {
		return fmt.Errorf("demo: insert %s: %w", b.table, err)
	}
	b.buf, b.n = b.buf[:0], 0
	return nil
}

// flush writes the remaining rows and releases the statements.
func (b *inserter) flush() error {
	err := b.write()
	for _, st := range b.stmts {
		st.Close()
	}
	clear(b.stmts)
	return err
}

package demo_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ortsplan/ortsplan/demo"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// BenchmarkLoad times loading the Flen demo, with its drawn pictures, into
// a fresh SQLite database (opening and migrating it is not counted). The e2e
// and web tests load it many times.
func BenchmarkLoad(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := sqltest.Open(b, sqlstore.SQLite)
		st, err := media.NewDirStorage(filepath.Join(b.TempDir(), "files"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := demo.Load(context.Background(), db, st); err != nil {
			b.Fatal(err)
		}
	}
}

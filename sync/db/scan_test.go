package db_test

import (
	"context"
	"testing"

	"github.com/kedai-app/kedai/sync/db/dbtest"
)

func TestFindByCodeIsExact(t *testing.T) {
	f := dbtest.New(t, 0)
	for code, want := range map[string]string{
		dbtest.ShopeeToShip:    dbtest.ShopeeToShip,
		" spxmy0000002\n":      dbtest.ShopeeToShip, // a tracking number, as a scanner may send it
		"OFG0000002":           dbtest.ShopeeToShip, // its package id
		"MYMPA0000003":         dbtest.LazadaToShip,
		"0002":                 "", // last digits find nothing at the station
		"SPXMY000000":          "", // nor a prefix
		"KEDAI:ORDER:1:XXXXXX": "",
	} {
		rows, err := f.DB.FindByCode(context.Background(), code, 5)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case want == "" && len(rows) != 0:
			t.Errorf("FindByCode(%q) = %v, want nothing", code, rows)
		case want != "" && (len(rows) != 1 || rows[0].OrderNo != want):
			t.Errorf("FindByCode(%q) = %v, want %s", code, rows, want)
		}
	}
}

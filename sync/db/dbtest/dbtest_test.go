package dbtest

import (
	"context"
	"testing"

	"github.com/kedai-app/kedai/domain"
)

// The fixture says what each tab counts; the database must agree, or every screen test built on
// it would test the wrong thing.
func TestFixtureCounts(t *testing.T) {
	f := New(t, 5)
	counts, err := f.DB.TabCounts(context.Background(), domain.OrderQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tab := range domain.Tabs {
		if counts[tab] != f.Tabs[tab] {
			t.Errorf("%s: database %d, fixture says %d", tab.Title(), counts[tab], f.Tabs[tab])
		}
		if f.Tabs[tab] == 0 {
			t.Errorf("%s: the fixture has no order there", tab.Title())
		}
	}
}

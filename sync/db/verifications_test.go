package db_test

import (
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db/dbtest"
)

// A stock pick check is kept with its order: complete, or completed by hand with its reason.
func TestVerificationsAreKept(t *testing.T) {
	f := dbtest.New(t, 0)
	ctx := t.Context()
	o, err := f.DB.Order(ctx, f.ID(t, dbtest.LazadaNew))
	if err != nil {
		t.Fatal(err)
	}
	p := domain.NewPickCheck(&o, nil)
	at := time.Date(2026, 11, 22, 8, 30, 0, 0, time.UTC)
	if _, err := f.DB.AddVerification(ctx, domain.Verification{OrderID: o.ID, At: at, Overridden: true}); err == nil {
		t.Fatal("an override without a reason was kept")
	}
	v, err := p.Verify(at, "the buyer took one item off by chat")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.DB.AddVerification(ctx, v); err != nil {
		t.Fatal(err)
	}
	for _, l := range p.Lines {
		for range l.Required {
			p.Scan(l.SKU)
		}
	}
	done, err := p.Verify(at.Add(time.Minute), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.DB.AddVerification(ctx, done); err != nil {
		t.Fatal(err)
	}
	got, err := f.DB.Verifications(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].State != domain.PickComplete || got[0].Overridden || got[0].OrderNo != o.OrderNo ||
		got[1].State != domain.PickIncomplete || !got[1].Overridden || got[1].Reason != "the buyer took one item off by chat" || !got[1].At.Equal(at) {
		t.Fatalf("verifications %+v", got)
	}
	if len(got[0].Lines) != len(p.Lines) || got[0].Lines[0].Scanned != p.Lines[0].Required || got[0].Lines[0].SKU != p.Lines[0].SKU {
		t.Errorf("lines kept %+v, checked %+v", got[0].Lines, p.Lines)
	}
}

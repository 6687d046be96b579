package market

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/kedai-app/kedai/domain"
)

func TestReread(t *testing.T) {
	orders := []domain.Order{{ID: 1, StoreID: 9, PlatformID: "A", Status: "old"}, {ID: 2, StoreID: 9, PlatformID: "B", Status: "old"}}
	var asked []string
	read := func(_ context.Context, ids []string) ([]domain.Order, error) {
		asked = ids
		return []domain.Order{{PlatformID: "B", Status: "fresh"}}, nil
	}
	out, err := Reread(context.Background(), orders, func(o domain.Order) bool { return o.PlatformID == "B" }, read)
	if err != nil || !slices.Equal(asked, []string{"B"}) {
		t.Fatalf("asked %v, %v", asked, err)
	}
	if out[0].Status != "old" || out[0].ID != 1 || out[1].Status != "fresh" || out[1].ID != 2 || out[1].StoreID != 9 {
		t.Errorf("got %+v", out)
	}
	if orders[1].Status != "old" {
		t.Error("the caller's orders were changed")
	}
	asked = nil
	if _, err := Reread(context.Background(), orders, func(domain.Order) bool { return false }, read); err != nil || asked != nil {
		t.Errorf("nothing stale still read: %v %v", asked, err)
	}
	boom := errors.New("down")
	if _, err := Reread(context.Background(), orders, func(domain.Order) bool { return true },
		func(context.Context, []string) ([]domain.Order, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("err %v", err)
	}
}

package domain

import "time"

// SortField is what the order list is sorted by.
type SortField int

const (
	SortCreated SortField = iota
	SortUpdated
)

// OrderQuery says which orders a list shows and in what order. Zero values mean "no filter".
type OrderQuery struct {
	Tab      Tab // 0: every tab
	Search   string
	Platform Platform
	StoreIDs []int64
	From, To time.Time // created in [From, To)
	Archived bool      // show posted orders instead of unposted ones
	Sort     SortField
	Asc      bool // oldest first
}

// OrderRow is one line of the order list: only what the table shows.
type OrderRow struct {
	ID         int64
	StoreID    int64
	StoreName  string
	Platform   Platform
	OrderNo    string
	Tab        Tab
	Stage      Stage
	Status     string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Units      int
	FirstItem  string
	Total      Money
	Provider   string
	TrackingNo string
	Posted     bool
	Flags      RowFlags
	// Action is the action under way ("" none); ActionError why the last one failed.
	Action      Action
	ActionError string
}

// RowFlags are the badges a row can carry.
type RowFlags struct {
	CancelRequested bool
	ReturnRequested bool
	SelfDelivery    bool
	HasCancelled    bool // some items were cancelled
}

// Cursor marks a position in a sorted list for keyset paging: the sort value and id of the last
// row seen.
type Cursor struct {
	Key int64 // sort column value (unix milliseconds)
	ID  int64
}

// CursorOf returns the cursor just after row r for the query's sort.
func (q OrderQuery) CursorOf(r OrderRow) Cursor {
	t := r.CreatedAt
	if q.Sort == SortUpdated {
		t = r.UpdatedAt
	}
	return Cursor{Key: t.UnixMilli(), ID: r.ID}
}

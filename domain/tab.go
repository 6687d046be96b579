package domain

import "fmt"

// Tab is a stage of the order lifecycle as the Orders screen shows it. The numbers are stored in
// the database: never renumber them.
type Tab int

const (
	TabUnpaid    Tab = 1
	TabNew       Tab = 2
	TabToProcess Tab = 3
	TabToShip    Tab = 4
	TabShipped   Tab = 5
	TabDelivered Tab = 6
	TabCompleted Tab = 7
	TabToCancel  Tab = 8
	TabToReturn  Tab = 9
	TabOthers    Tab = 10
)

// Tabs lists every tab in screen order.
var Tabs = []Tab{TabUnpaid, TabNew, TabToProcess, TabToShip, TabShipped, TabDelivered, TabCompleted,
	TabToCancel, TabToReturn, TabOthers}

var tabNames = map[Tab][2]string{
	TabUnpaid:    {"unpaid", "Unpaid"},
	TabNew:       {"new", "New Order"},
	TabToProcess: {"to-process", "To Process"},
	TabToShip:    {"to-ship", "To Ship"},
	TabShipped:   {"shipped", "Shipped"},
	TabDelivered: {"delivered", "Delivered"},
	TabCompleted: {"completed", "Completed"},
	TabToCancel:  {"to-cancel", "To Cancel"},
	TabToReturn:  {"to-return", "To Return"},
	TabOthers:    {"others", "Others"},
}

// Slug is the tab's name on the command line (`--tab to-ship`).
func (t Tab) Slug() string { return tabNames[t][0] }

// Title is the tab's label on screen.
func (t Tab) Title() string {
	if n, ok := tabNames[t]; ok {
		return n[1]
	}
	return fmt.Sprintf("Tab %d", int(t))
}

// Valid reports whether t is one of the ten tabs.
func (t Tab) Valid() bool { _, ok := tabNames[t]; return ok }

// ParseTab reads a slug as used on the command line.
func ParseTab(slug string) (Tab, error) {
	for _, t := range Tabs {
		if t.Slug() == slug {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown tab %q: use one of unpaid, new, to-process, to-ship, shipped, delivered, completed, to-cancel, to-return, others", slug)
}

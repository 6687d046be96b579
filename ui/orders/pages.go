package orders

import "github.com/kedai-app/kedai/domain"

// pageSize is how many rows one query fetches; a screen shows about 30.
const pageSize = 100

// maxPages bounds memory however far a person scrolls.
const maxPages = 30

// pages caches the loaded parts of one list. gen changes whenever the list means something else
// (another tab, filter or sort, or new data), so late answers for an old list are dropped.
type pages struct {
	gen     int
	loaded  map[int][]domain.OrderRow
	loading map[int]bool
	recent  []int // most recently used last
}

func newPages() *pages {
	return &pages{loaded: map[int][]domain.OrderRow{}, loading: map[int]bool{}}
}

func (p *pages) reset() {
	p.gen++
	p.loaded = map[int][]domain.OrderRow{}
	p.loading = map[int]bool{}
	p.recent = nil
}

func (p *pages) row(i int) (domain.OrderRow, bool) {
	rows, ok := p.loaded[i/pageSize]
	if !ok || i%pageSize >= len(rows) {
		return domain.OrderRow{}, false
	}
	return rows[i%pageSize], true
}

// cursorBefore is the keyset cursor that continues from the page before n, if it is loaded.
func (p *pages) cursorBefore(q domain.OrderQuery, n int) *domain.Cursor {
	prev, ok := p.loaded[n-1]
	if !ok || len(prev) < pageSize {
		return nil
	}
	c := q.CursorOf(prev[len(prev)-1])
	return &c
}

func (p *pages) store(n int, rows []domain.OrderRow) {
	delete(p.loading, n)
	p.loaded[n] = rows
	p.touch(n)
	for len(p.recent) > maxPages {
		delete(p.loaded, p.recent[0])
		p.recent = p.recent[1:]
	}
}

func (p *pages) touch(n int) {
	for i, v := range p.recent {
		if v == n {
			p.recent = append(p.recent[:i], p.recent[i+1:]...)
			break
		}
	}
	p.recent = append(p.recent, n)
}

// selection is what the seller has checked: a set of orders, or every order in the tab except a
// set, so "select all" over 200,000 orders stores nothing per order.
type selection struct {
	all bool
	ids map[int64]bool // checked when !all; unchecked when all
}

func (s *selection) clear() { s.all, s.ids = false, map[int64]bool{} }

// any reports whether anything is checked.
func (s *selection) any() bool { return s.all || len(s.ids) > 0 }

func (s *selection) checked(id int64) bool { return s.all != s.ids[id] }

func (s *selection) toggle(id int64) {
	if s.ids[id] {
		delete(s.ids, id)
	} else {
		s.ids[id] = true
	}
}

func (s *selection) count(total int) int {
	if s.all {
		return total - len(s.ids)
	}
	return len(s.ids)
}

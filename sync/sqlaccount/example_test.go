package sqlaccount_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/kedai-app/kedai/sync/sim"
	"github.com/kedai-app/kedai/sync/sqlaccount"
)

// Posting an order's invoice: look its number up first (an earlier attempt may have made it),
// then create it or update it with updatecount + 1.
func Example() {
	acc := sim.NewSQLAcc(sim.SQLAccOptions{AccessKey: accessKey, SecretKey: secretKey, Seed: seed()})
	base, stop, err := acc.Listen("127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()

	c, err := sqlaccount.New(sqlaccount.Config{URL: base, AccessKey: accessKey, SecretKey: secretKey}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	v, err := c.Version(ctx)
	fmt.Println("SQL Account", v, err)

	inv := order("2611220009")
	post := func() (sqlaccount.InvoiceRef, error) {
		ref, found, err := c.FindInvoice(ctx, inv.DocNo)
		switch {
		case err != nil:
			return ref, err
		case found:
			return c.UpdateInvoice(ctx, ref.DocKey, inv)
		}
		return c.CreateInvoice(ctx, inv)
	}
	ref, err := post()
	fmt.Printf("posted %s, updatecount %d, %v\n", ref.DocNo, ref.UpdateCount, err)
	inv.Description = "edited after posting"
	ref, err = post()
	fmt.Printf("posted %s, updatecount %d, %v\n", ref.DocNo, ref.UpdateCount, err)
	fmt.Println("documents:", len(acc.Invoices()))

	_, err = c.CreateInvoice(ctx, inv)
	fmt.Println("created twice is a duplicate:", errors.Is(err, sqlaccount.ErrDuplicate))

	bad, _ := sqlaccount.New(sqlaccount.Config{URL: base, AccessKey: accessKey, SecretKey: "not-the-secret"}, nil)
	_, err = bad.Version(ctx)
	fmt.Println(errors.Is(err, sqlaccount.ErrAuth), err)
	// Output:
	// SQL Account 5.2025.1040.880 <nil>
	// posted 2611220009, updatecount 1, <nil>
	// posted 2611220009, updatecount 2, <nil>
	// documents: 1
	// created twice is a duplicate: true
	// true SQL Account refused the access key or secret key: the request signature does not match the one computed from the secret key: check the secret key (and that the URL, body and headers were not changed after signing)
}

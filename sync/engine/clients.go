package engine

import (
	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lazada"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/shopee"
	"github.com/kedai-app/kedai/sync/tiktok"
)

// defaultClients are the real platform clients.
func defaultClients() map[domain.Platform]NewClient {
	return map[domain.Platform]NewClient{
		domain.Lazada: func(c market.Config) (market.Client, error) { return lazada.New(c) },
		domain.Shopee: func(c market.Config) (market.Client, error) { return shopee.New(c) },
		domain.TikTok: func(c market.Config) (market.Client, error) { return tiktok.New(c) },
	}
}

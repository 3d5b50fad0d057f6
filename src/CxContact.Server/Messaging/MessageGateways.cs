using System.Collections.Concurrent;

namespace CxContact.Server.Messaging;

/// <summary>
/// Opens gateways by id for sending, and keeps each one (its SMTP connection) while its settings stay the same: a
/// changed gateway is reopened at its next use.
/// </summary>
public sealed class MessageGateways(MessagingGatewayStore store, IHttpClientFactory http) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, (DateTimeOffset UpdatedAt, IMessageGateway Gateway, MessagingGatewayStore.Row Row)> _open = new();

    public async Task<IMessageGateway?> GetAsync(Guid tenantId, Guid gatewayId, CancellationToken ct) =>
        (await OpenAsync(tenantId, gatewayId, ct))?.Gateway;

    public async Task<(IMessageGateway Gateway, MessagingGatewayStore.Row Row)?> OpenAsync(Guid tenantId, Guid gatewayId, CancellationToken ct)
    {
        if (await store.GetAsync(tenantId, gatewayId, ct) is not { } current) return null;
        if (_open.TryGetValue(gatewayId, out var held) && held.UpdatedAt == current.UpdatedAt) return (held.Gateway, held.Row);
        // One opening at a time: the sender's workers meet a new or changed gateway together, and each opening its own
        // would close the one another is sending on.
        await _opening.WaitAsync(ct);
        try
        {
            if (_open.TryGetValue(gatewayId, out held) && held.UpdatedAt == current.UpdatedAt) return (held.Gateway, held.Row);
            if (await store.OpenAsync(tenantId, gatewayId, ct) is not var (row, credentials)) return null;
            IMessageGateway gateway = row.Kind == "smtp"
                ? new SmtpGateway(row.Settings, credentials)
                : new KannelGateway(http.CreateClient("kannel"), row.Id, row.Settings, credentials);
            if (_open.TryGetValue(gatewayId, out var old) && old.Gateway is IAsyncDisposable stale) await stale.DisposeAsync();
            _open[gatewayId] = (row.UpdatedAt, gateway, row);
            return (gateway, row);
        }
        finally { _opening.Release(); }
    }

    private readonly SemaphoreSlim _opening = new(1, 1);

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, held) in _open)
            if (held.Gateway is IAsyncDisposable d) await d.DisposeAsync();
    }
}

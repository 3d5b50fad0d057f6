using CxContact.Server.Lists;
using CxContact.Server.Messaging;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Lists;
using CxContact.Server.Tests.Ui;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// The tenant predicate at work (what <see cref="TenantPredicateTests"/> checks the SQL for): a store handed another
/// tenant's id with a real row id reaches nothing, and the same call with the row's own tenant does (the control that
/// shows the refusal comes from the predicate).
/// </summary>
public sealed class TenantPredicateBehaviourTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private async Task<string?> ListNameAsync(Guid listId)
    {
        await using var cmd = api.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT name FROM contact_lists WHERE list_id = @l");
        cmd.Parameters.AddWithValue("l", listId);
        return (string?)await cmd.ExecuteScalarAsync();
    }

    [Fact]
    public async Task A_list_renamed_under_another_tenants_id_keeps_its_name()
    {
        var (owner, _, http) = await ConsolePage.TenantAsync(api);
        var (otherTenant, _, _) = await ConsolePage.TenantAsync(api);
        var listId = await new ListClient(http).CreateListAsync(new { name = "Kept" });
        var store = api.Services.GetRequiredService<ContactListStore>();

        await store.RenameAsync(otherTenant, listId, "Taken", CancellationToken.None);
        Assert.Equal("Kept", await ListNameAsync(listId));

        await store.RenameAsync(owner, listId, "Renamed", CancellationToken.None);
        Assert.Equal("Renamed", await ListNameAsync(listId));
    }

    [Fact]
    public async Task A_message_moved_or_reported_under_another_tenants_id_stays_where_it_was()
    {
        var (tenantId, _, _) = await ConsolePage.TenantAsync(api);
        var (otherTenant, _, _) = await ConsolePage.TenantAsync(api);
        var outbox = api.Services.GetRequiredService<MessageOutbox>();
        var (messageId, gatewayId) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await outbox.ClaimAsync([new(messageId, tenantId, Guid.CreateVersion7(), 1, 1, Guid.CreateVersion7(), "sms", "+4930123402", gatewayId, Guid.CreateVersion7(),
            null, "Hello", 1, MessageOutbox.Queued, 0, null, null, DateTimeOffset.UtcNow, null, null)], CancellationToken.None);
        async Task<string> StateAsync() => (await outbox.LastToAsync(tenantId, "+4930123402", CancellationToken.None))!.State;

        var events = (await outbox.EventsAsync(messageId, CancellationToken.None)).Count;
        await outbox.MoveAsync(otherTenant, messageId, MessageOutbox.Sent, null, CancellationToken.None);
        Assert.Empty(await outbox.ReportAsync([new(otherTenant, gatewayId, messageId, MessageOutbox.Delivered, "kannel report 1", null)], CancellationToken.None));
        Assert.Equal(MessageOutbox.Queued, await StateAsync());
        Assert.Equal(events, (await outbox.EventsAsync(messageId, CancellationToken.None)).Count); // no event for a message it did not move

        await outbox.MoveAsync(tenantId, messageId, MessageOutbox.Sent, null, CancellationToken.None);
        Assert.Equal(MessageOutbox.Sent, await StateAsync());
        Assert.Equal([messageId], await outbox.ReportAsync([new(tenantId, gatewayId, messageId, MessageOutbox.Delivered, "kannel report 1", null)], CancellationToken.None));
        Assert.Equal(MessageOutbox.Delivered, await StateAsync());
    }
}

using CxContact.Core.Campaigns;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace CxContact.Server.Messaging;

/// <summary>A messaging campaign's counts, and each contact's messages with their history.</summary>
public static class MessagesApi
{
    public sealed record MessageStats(Guid CampaignId, string Channel, long Queued, long Sent, long Delivered, long Failed, long OptedOut, long Replies,
        string? GatewayStatus);
    public sealed record MessageView(Guid Id, Guid CampaignId, string Channel, string To, string? Subject, string Body, int? Segments, string State, int Tries,
        string? Error, string? GatewayMessageId, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? FinalAt, IReadOnlyList<Event> History);
    public sealed record Event(DateTimeOffset At, string State, string? Detail);

    public static void MapMessagesApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/campaigns/{campaignId:guid}/messages/stats", async Task<Results<Ok<MessageStats>, ProblemHttpResult>> (Guid campaignId, HttpContext http,
            IGrainFactory grains, MessageOutbox outbox, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            if (await grains.GetGrain<ICampaignGrain>(campaignId, caller.TenantId.ToString()).GetAsync() is not { } info)
                return TypedResults.Problem(statusCode: 404, title: "No such campaign", detail: $"This tenant has no campaign {campaignId}.");
            return TypedResults.Ok(await StatsAsync(caller.TenantId, campaignId, info.Definition, outbox, db, ct));
        }).WithTags("Messaging").RequireAuthorization(Policies.TenantReader)
          .WithSummary("A messaging campaign's messages: queued, sent, delivered, failed, opted out, replies, and whether its gateway answers");

        v1.MapGet("/contacts/{contactId:guid}/messages", async Task<Results<Ok<List<MessageView>>, ProblemHttpResult>> (Guid contactId, HttpContext http,
            MessageOutbox outbox, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            var list = new List<MessageView>();
            foreach (var m in await outbox.ForContactAsync(caller.TenantId, contactId, ct))
                list.Add(new MessageView(m.Id, m.CampaignId, m.Channel, m.Recipient, m.Subject, m.Body, m.Segments, m.State, m.Tries, m.Error, m.GatewayMessageId,
                    m.CreatedAt, m.SentAt, m.FinalAt, [.. (await outbox.EventsAsync(m.Id, ct)).Select(e => new Event(e.At, e.State, e.Detail))]));
            // No messages: an empty history for a contact of this tenant, and no such contact otherwise (another
            // tenant's id gets the same answer as an id that never existed).
            if (list.Count == 0 && (await ContactFields.LoadAsync(db, caller.TenantId, [contactId], ct)).Count == 0)
                return TypedResults.Problem(statusCode: 404, title: "No such contact", detail: $"This tenant has no contact {contactId}.");
            return TypedResults.Ok(list);
        }).WithTags("Messaging").RequireAuthorization(Policies.TenantReader).WithSummary("Every message sent to a contact, with its state history");
    }

    public static async Task<MessageStats> StatsAsync(Guid tenantId, Guid campaignId, CampaignDefinition def, MessageOutbox outbox, NpgsqlDataSource db, CancellationToken ct)
    {
        var (by, waiting) = await outbox.CountAsync(tenantId, campaignId, ct);
        long N(params string[] states) => states.Sum(s => by.GetValueOrDefault(s));
        await using var cmd = db.CreateCommand("SELECT count(*) FILTER (WHERE intent = 'optout'), count(*) FILTER (WHERE intent = 'reply') FROM message_inbound WHERE tenant_id = @t AND campaign_id = @c");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("c", campaignId);
        long optedOut = 0, replies = 0;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) (optedOut, replies) = (r.GetInt64(0), r.GetInt64(1));
        return new MessageStats(campaignId, Core.Compliance.Channels.ToWire(def.Channel), N(MessageOutbox.Queued, MessageOutbox.Sending),
            N(MessageOutbox.Sent, MessageOutbox.Delivered), N(MessageOutbox.Delivered), N(MessageOutbox.Failed, MessageOutbox.Undeliverable), optedOut, replies,
            waiting);
    }
}

using CxContact.Core.Campaigns;
using CxContact.Core.Messaging;
using CxContact.Core.Phones;
using CxContact.Server.Platform.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using CxContact.Server.CallingList;

namespace CxContact.Server.Messaging;

/// <summary>
/// What Kannel calls back: a delivery report per message (the dlr-url each message carried) and every inbound text
/// (smsbox's get-url). Kannel sends no credentials, so both carry the gateway's callback secret; a wrong secret, an
/// unknown message or a malformed call is answered 400, logged, and changes nothing.
/// </summary>
public static class KannelCallbacksApi
{
    public sealed record InboundAnswer(string Intent, string? Action);

    public static void MapKannelCallbacksApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/messaging/gateways/{gatewayId:guid}/kannel").WithTags("Messaging").AllowAnonymous();

        g.MapGet("/dlr", DeliveryReportAsync).WithName("kannelDeliveryReport").WithSummary("Kannel's delivery report for one message (the per-message dlr-url)");
        g.MapGet("/inbound", InboundAsync).WithName("kannelInbound").WithSummary("An inbound text from Kannel's smsbox (its get-url): STOP, START, HELP or a reply");
    }

    private static async Task<Results<Ok<string>, ProblemHttpResult>> DeliveryReportAsync(Guid gatewayId, string? secret, string? id, int? type, string? answer,
        MessagingGatewayStore gateways, DeliveryReportWriter reports, ILoggerFactory logs, CancellationToken ct,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "smsc-id")] string? smscMessageId = null)
    {
        var log = logs.CreateLogger(typeof(KannelCallbacksApi));
        if (await gateways.AuthenticateCallbackAsync(gatewayId, secret, ct) is not { } gateway) return Refuse(log, gatewayId, "the secret is wrong or the gateway unknown");
        if (!Guid.TryParseExact(id, "N", out var messageId)) return Refuse(log, gatewayId, "id is not a message id");
        // Kannel's report types: 1 delivered, 2 failed at the phone, 4 buffered, 8 accepted by the SMSC, 16 refused by it.
        string? state = type switch
        {
            1 => MessageOutbox.Delivered,
            2 or 16 => MessageOutbox.Undeliverable,
            8 => MessageOutbox.Sent,
            4 => null,
            _ => "bad",
        };
        if (state == "bad") return Refuse(log, gatewayId, $"type {type} is not a Kannel report type (1, 2, 4, 8 or 16)");
        var detail = $"kannel report {type}" + (string.IsNullOrEmpty(answer) ? "" : $": {Clip(answer)}");
        if (!await reports.WriteAsync(new MessageOutbox.Report(gateway.TenantId, gatewayId, messageId, state, detail, string.IsNullOrEmpty(smscMessageId) ? null : Clip(smscMessageId)), ct))
            return Refuse(log, gatewayId, $"no message {messageId} went through this gateway");
        return TypedResults.Ok("ok");
    }

    private static async Task<Results<Ok<InboundAnswer>, ProblemHttpResult>> InboundAsync(Guid gatewayId, string? secret, string? from, string? to, string? text,
        MessagingGatewayStore gateways, MessageGateways open, MessageOutbox outbox, DncWriter dnc, IGrainFactory grains, NpgsqlDataSource db,
        PlatformClock clock, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(KannelCallbacksApi));
        if (await gateways.AuthenticateCallbackAsync(gatewayId, secret, ct) is not { } gateway) return Refuse(log, gatewayId, "the secret is wrong or the gateway unknown");
        if (string.IsNullOrWhiteSpace(from) || text is null || text.Length > 2000) return Refuse(log, gatewayId, "from and text are required (text at most 2,000 characters)");
        var raw = from.Trim();
        var number = Numbers.Normalize(raw.StartsWith('+') || raw.StartsWith("00", StringComparison.Ordinal) ? raw : "+" + raw, "US").Phone;
        if (number is null) return Refuse(log, gatewayId, $"from \"{Clip(raw)}\" is not a phone number");

        var tenantId = gateway.TenantId;
        var intent = InboundKeywords.Classify(text);
        var last = await outbox.LastToAsync(tenantId, number.E164, ct);
        var def = last is null ? null : (await grains.GetGrain<ICampaignGrain>(last.CampaignId, tenantId.ToString()).GetAsync())?.Definition;
        string? action = null;
        Guid? listId = null;
        string? reply = null;
        switch (intent)
        {
            case InboundIntent.OptOut:
                listId = await dnc.AddAsync(tenantId, last?.CampaignId ?? Guid.Empty, def ?? new CampaignDefinition { Name = "(none)" }, number.E164, ct,
                    source: $"sms {Clip(text.Trim())} to gateway {gateway.Name}");
                action = $"added to suppression list {listId}";
                reply = gateway.Settings.OptOutReply ?? "You are unsubscribed and will get no more messages from us. Reply START to subscribe again.";
                break;
            case InboundIntent.OptIn:
                // Only the list the number's last opt-out put it on: other lists (a registry, an agent's DNC) stay.
                listId = await LastOptOutListAsync(db, tenantId, number.E164, ct);
                if (listId is { } l && await dnc.RemoveAsync(tenantId, l, number.E164, ct))
                {
                    action = $"removed from suppression list {l}";
                    reply = gateway.Settings.OptInReply ?? "You are subscribed again. Reply STOP to unsubscribe.";
                }
                else action = "not on a list this number's opt-out put it on";
                break;
            case InboundIntent.Help:
                reply = gateway.Settings.HelpText ?? "Reply STOP to unsubscribe, START to subscribe again.";
                action = "help sent";
                break;
        }
        await RecordAsync(db, tenantId, gatewayId, clock.GetUtcNow(), number.E164, to, text, intent, last, listId, action, ct);
        if (reply is not null && await open.GetAsync(tenantId, gatewayId, ct) is { } g)
        {
            try { await g.SendAsync(new OutboundMessage(Guid.CreateVersion7(), number.E164, null, reply, null, null, Receipts: false), ct); }
            catch (Exception e) when (e is GatewayUnavailableException or MessageRefusedException)
            {
                log.LogWarning("Inbound {Intent} from {From}: done, but the confirmation was not sent: {Reason}", intent, number.E164, e.Message);
            }
        }
        log.LogInformation("Inbound {Intent} from {From} on gateway {Gateway}: {Action}", intent, number.E164, gateway.Name, action ?? "kept as a reply");
        return TypedResults.Ok(new InboundAnswer(intent.ToString().ToLowerInvariant(), action));
    }

    private static async Task<Guid?> LastOptOutListAsync(NpgsqlDataSource db, Guid tenantId, string sender, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT list_id FROM message_inbound WHERE tenant_id = @t AND sender = @s AND intent = 'optout' AND list_id IS NOT NULL
            ORDER BY at DESC LIMIT 1
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("s", sender);
        return await cmd.ExecuteScalarAsync(ct) is Guid g ? g : null;
    }

    private static async Task RecordAsync(NpgsqlDataSource db, Guid tenantId, Guid gatewayId, DateTimeOffset at, string sender, string? receiver, string text,
        InboundIntent intent, MessageOutbox.Message? last, Guid? listId, string? action, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO message_inbound (tenant_id, inbound_id, gateway_id, at, sender, receiver, text, intent, campaign_id, contact_id, list_id, action)
            VALUES (@t, @id, @g, @at, @s, @r, @x, @i, @c, @k, @l, @a)
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", Guid.CreateVersion7());
        cmd.Parameters.AddWithValue("g", gatewayId);
        cmd.Parameters.AddWithValue("at", at);
        cmd.Parameters.AddWithValue("s", sender);
        cmd.Parameters.AddWithValue("r", (object?)receiver ?? DBNull.Value);
        cmd.Parameters.AddWithValue("x", text);
        cmd.Parameters.AddWithValue("i", intent.ToString().ToLowerInvariant());
        cmd.Parameters.AddWithValue("c", (object?)last?.CampaignId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("k", (object?)last?.ContactId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("l", (object?)listId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("a", (object?)action ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static ProblemHttpResult Refuse(ILogger log, Guid gatewayId, string why)
    {
        log.LogWarning("Kannel callback for gateway {Gateway} refused: {Why}", gatewayId, why);
        return TypedResults.Problem(statusCode: 400, title: "The callback is not valid", detail: why);
    }

    private static string Clip(string s) => s.Length <= 200 ? s : s[..200];

    private static readonly PhoneNormalizer Numbers = new();
}

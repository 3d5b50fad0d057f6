using CxContact.Server.Platform.Hosting;
using Npgsql;

namespace CxContact.Server.Messaging;

/// <summary>
/// message_outbox and message_events: a message is a row before it is handed over, so a record leased again for the
/// same attempt finds its message instead of making a second one. States: queued (written, not handed over),
/// sending (being handed over now; left there by a dead silo it is resent once the lease it was sent under ran out
/// and no receipt came), sent, delivered, failed (refused for good), undeliverable (the network said so).
/// </summary>
public sealed class MessageOutbox(NpgsqlDataSource db, PlatformClock clock)
{
    public sealed record Message(Guid Id, Guid TenantId, Guid CampaignId, long RecordId, int Attempt, Guid ContactId, string Channel, string Recipient,
        Guid GatewayId, Guid TemplateId, string? Subject, string Body, int? Segments, string State, int Tries, string? Error, string? GatewayMessageId,
        DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? FinalAt);

    public const string Queued = "queued", Sending = "sending", Sent = "sent", Delivered = "delivered", Failed = "failed", Undeliverable = "undeliverable";

    private const string Columns = """
        message_id, tenant_id, campaign_id, record_id, attempt, contact_id, channel, recipient, gateway_id, template_id, subject, body, segments,
        state, tries, error, gateway_message_id, created_at, sent_at, final_at
        """;

    /// <summary>The campaign step's message: the one already there, or this new one (written queued).</summary>
    public async Task<Message> ClaimAsync(Message fresh, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            WITH ins AS (
                INSERT INTO message_outbox ({Columns})
                VALUES (@id, @t, @c, @r, @a, @k, @ch, @to, @g, @tpl, @s, @b, @seg, 'queued', 0, NULL, NULL, @now, NULL, NULL)
                ON CONFLICT (campaign_id, record_id, attempt) DO NOTHING
                RETURNING {Columns})
            SELECT * FROM ins
            UNION ALL
            SELECT {Columns} FROM message_outbox WHERE campaign_id = @c AND record_id = @r AND attempt = @a AND NOT EXISTS (SELECT 1 FROM ins)
            """);
        cmd.Parameters.AddWithValue("id", fresh.Id);
        cmd.Parameters.AddWithValue("t", fresh.TenantId);
        cmd.Parameters.AddWithValue("c", fresh.CampaignId);
        cmd.Parameters.AddWithValue("r", fresh.RecordId);
        cmd.Parameters.AddWithValue("a", fresh.Attempt);
        cmd.Parameters.AddWithValue("k", fresh.ContactId);
        cmd.Parameters.AddWithValue("ch", fresh.Channel);
        cmd.Parameters.AddWithValue("to", fresh.Recipient);
        cmd.Parameters.AddWithValue("g", fresh.GatewayId);
        cmd.Parameters.AddWithValue("tpl", fresh.TemplateId);
        cmd.Parameters.AddWithValue("s", (object?)fresh.Subject ?? DBNull.Value);
        cmd.Parameters.AddWithValue("b", fresh.Body);
        cmd.Parameters.AddWithValue("seg", (object?)fresh.Segments ?? DBNull.Value);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        var found = await ReadAllAsync(cmd, ct);
        if (found[0].Id == fresh.Id) await EventAsync(fresh.Id, Queued, null, ct);
        return found[0];
    }

    /// <summary>
    /// Moves a message to a state (with the gateway's reference or the error) and records the event; a final state
    /// (delivered, failed, undeliverable) stays.
    /// </summary>
    public async Task MoveAsync(Guid messageId, string state, string? detail, CancellationToken ct, string? gatewayMessageId = null)
    {
        var now = clock.GetUtcNow();
        await using var batch = db.CreateBatch();
        var update = new NpgsqlBatchCommand("""
            UPDATE message_outbox SET
                -- A delivery report can overtake the gateway's own answer: "sent" never replaces what a report said.
                state = CASE WHEN state IN ('delivered', 'failed', 'undeliverable') OR (state = 'sent' AND @s = 'queued') THEN state ELSE @s END,
                tries = tries + CASE WHEN @s = 'sending' THEN 1 ELSE 0 END,
                error = CASE WHEN @s IN ('failed', 'undeliverable', 'queued') THEN @d ELSE error END,
                gateway_message_id = coalesce(@g, gateway_message_id),
                sent_at = CASE WHEN @s = 'sent' THEN coalesce(sent_at, @now) ELSE sent_at END,
                final_at = CASE WHEN @s IN ('delivered', 'failed', 'undeliverable') THEN @now ELSE final_at END
            WHERE message_id = @id
            """);
        update.Parameters.AddWithValue("id", messageId);
        update.Parameters.AddWithValue("s", state);
        update.Parameters.AddWithValue("d", (object?)detail ?? DBNull.Value);
        update.Parameters.AddWithValue("g", (object?)gatewayMessageId ?? DBNull.Value);
        update.Parameters.AddWithValue("now", now);
        batch.BatchCommands.Add(update);
        batch.BatchCommands.Add(Event(messageId, state, detail, now));
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A delivery report: moves the message on unless it is already final (a late "buffered" after "delivered" is
    /// only recorded). Returns the message, or null when there is no such message of this gateway.
    /// </summary>
    public async Task<Message?> ReportAsync(Guid gatewayId, Guid messageId, string? state, string detail, string? gatewayMessageId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = db.CreateCommand($"""
            WITH moved AS (
                UPDATE message_outbox SET
                    state = CASE WHEN @s IS NULL OR state IN ('delivered', 'failed', 'undeliverable') THEN state ELSE @s END,
                    gateway_message_id = coalesce(gateway_message_id, @g),
                    sent_at = coalesce(sent_at, CASE WHEN @s IS NOT NULL THEN @now END),
                    final_at = CASE WHEN @s IN ('delivered', 'undeliverable') AND final_at IS NULL THEN @now ELSE final_at END,
                    error = CASE WHEN @s = 'undeliverable' THEN @d ELSE error END
                WHERE message_id = @id AND gateway_id = @gw
                RETURNING {Columns}),
            ev AS (INSERT INTO message_events (message_id, at, state, detail) SELECT message_id, @now, coalesce(@s, 'report'), @d FROM moved)
            SELECT * FROM moved
            """);
        cmd.Parameters.AddWithValue("id", messageId);
        cmd.Parameters.AddWithValue("gw", gatewayId);
        cmd.Parameters.Add(new NpgsqlParameter("s", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)state ?? DBNull.Value });
        cmd.Parameters.AddWithValue("d", detail);
        cmd.Parameters.AddWithValue("g", (object?)gatewayMessageId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("now", now);
        return (await ReadAllAsync(cmd, ct)).SingleOrDefault();
    }

    /// <summary>The last message sent to this address by this tenant: which campaign a reply or a STOP answers.</summary>
    public async Task<Message?> LastToAsync(Guid tenantId, string recipient, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT {Columns} FROM message_outbox WHERE tenant_id = @t AND recipient = @to ORDER BY created_at DESC LIMIT 1
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("to", recipient);
        return (await ReadAllAsync(cmd, ct)).SingleOrDefault();
    }

    public async Task<List<Message>> ForContactAsync(Guid tenantId, Guid contactId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM message_outbox WHERE tenant_id = @t AND contact_id = @k ORDER BY created_at");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("k", contactId);
        return await ReadAllAsync(cmd, ct);
    }

    public async Task<List<(DateTimeOffset At, string State, string? Detail)>> EventsAsync(Guid messageId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT at, state, detail FROM message_events WHERE message_id = @id ORDER BY at");
        cmd.Parameters.AddWithValue("id", messageId);
        var list = new List<(DateTimeOffset, string, string?)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add((r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
        return list;
    }

    /// <summary>A campaign's messages by state, and the last error of a message still waiting for its gateway.</summary>
    public async Task<(Dictionary<string, long> ByState, string? Waiting)> CountAsync(Guid campaignId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT state, count(*), max(error) FILTER (WHERE state = 'queued' AND error IS NOT NULL) FROM message_outbox
            WHERE campaign_id = @c GROUP BY state
            """);
        cmd.Parameters.AddWithValue("c", campaignId);
        var by = new Dictionary<string, long>(StringComparer.Ordinal);
        string? waiting = null;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            by[r.GetString(0)] = r.GetInt64(1);
            if (!r.IsDBNull(2)) waiting = r.GetString(2);
        }
        return (by, waiting);
    }

    private async Task EventAsync(Guid messageId, string state, string? detail, CancellationToken ct)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Event(messageId, state, detail, clock.GetUtcNow()));
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlBatchCommand Event(Guid messageId, string state, string? detail, DateTimeOffset at)
    {
        var e = new NpgsqlBatchCommand("INSERT INTO message_events (message_id, at, state, detail) VALUES (@id, @at, @s, @d)");
        e.Parameters.AddWithValue("id", messageId);
        e.Parameters.AddWithValue("at", at);
        e.Parameters.AddWithValue("s", state);
        e.Parameters.AddWithValue("d", (object?)detail ?? DBNull.Value);
        return e;
    }

    private static async Task<List<Message>> ReadAllAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<Message>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new Message(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetInt64(3), r.GetInt32(4), r.GetGuid(5), r.GetString(6), r.GetString(7),
                r.GetGuid(8), r.GetGuid(9), r.IsDBNull(10) ? null : r.GetString(10), r.GetString(11), r.IsDBNull(12) ? null : r.GetInt32(12),
                r.GetString(13), r.GetInt32(14), r.IsDBNull(15) ? null : r.GetString(15), r.IsDBNull(16) ? null : r.GetString(16),
                r.GetFieldValue<DateTimeOffset>(17), r.IsDBNull(18) ? null : r.GetFieldValue<DateTimeOffset>(18),
                r.IsDBNull(19) ? null : r.GetFieldValue<DateTimeOffset>(19)));
        return list;
    }
}

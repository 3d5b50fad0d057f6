using CxContact.Server.Platform.Hosting;
using Npgsql;

namespace CxContact.Server.Messaging;

/// <summary>
/// message_outbox and message_events: a message is a row before it is handed over, so a record leased again for the
/// same attempt finds its message instead of making a second one. States: queued (written, not handed over),
/// sending (being handed over now; left there by a dead silo it is resent once the lease it was sent under ran out
/// and no receipt came), sent, delivered, failed (refused for good), undeliverable (the network said so).
/// </summary>
public sealed class MessageOutbox(NpgsqlDataSource db, PlatformClock clock, PlatformSettings settings) : IAsyncDisposable
{
    /// <summary>
    /// Delivery reports commit without waiting for the WAL flush (synchronous_commit off): two arrive per text, and a
    /// crash loses at most the last fraction of a second of them, which leaves those messages "sent" instead of
    /// "delivered". Everything that decides whether a message goes out commits durably, on the main source.
    /// </summary>
    private readonly NpgsqlDataSource _reports = NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(settings.Postgres) { Options = "-c synchronous_commit=off", MaxPoolSize = 20 }.ConnectionString);

    public ValueTask DisposeAsync() => _reports.DisposeAsync();

    public sealed record Message(Guid Id, Guid TenantId, Guid CampaignId, long RecordId, int Attempt, Guid ContactId, string Channel, string Recipient,
        Guid GatewayId, Guid TemplateId, string? Subject, string Body, int? Segments, string State, int Tries, string? Error, string? GatewayMessageId,
        DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? FinalAt);

    public const string Queued = "queued", Sending = "sending", Sent = "sent", Delivered = "delivered", Failed = "failed", Undeliverable = "undeliverable";

    private const string Columns = """
        message_id, tenant_id, campaign_id, record_id, attempt, contact_id, channel, recipient, gateway_id, template_id, subject, body, segments,
        state, tries, error, gateway_message_id, created_at, sent_at, final_at
        """;

    /// <summary>
    /// Each campaign step's message, in one statement: the one already there (an earlier lease's), or the new one
    /// given, written queued. The answer is in the order given.
    /// </summary>
    public async Task<IReadOnlyList<Message>> ClaimAsync(IReadOnlyList<Message> fresh, CancellationToken ct)
    {
        if (fresh.Count == 0) return [];
        var now = clock.GetUtcNow();
        await using var cmd = db.CreateCommand($"""
            WITH given AS (
                SELECT * FROM unnest(@id, @t, @c, @r, @a, @k, @ch, @to, @g, @tpl, @s, @b, @seg)
                    AS g(message_id, tenant_id, campaign_id, record_id, attempt, contact_id, channel, recipient, gateway_id, template_id, subject, body, segments)),
            ins AS (
                INSERT INTO message_outbox ({Columns})
                SELECT message_id, tenant_id, campaign_id, record_id, attempt, contact_id, channel, recipient, gateway_id, template_id, subject, body, segments,
                       'queued', 0, NULL, NULL, @now, NULL, NULL
                FROM given ORDER BY record_id
                ON CONFLICT (campaign_id, record_id, attempt) DO NOTHING
                RETURNING {Columns}),
            ev AS (INSERT INTO message_events (message_id, at, state, detail) SELECT message_id, @now, 'queued', NULL FROM ins)
            SELECT * FROM ins
            UNION ALL
            SELECT {Prefixed("o")} FROM message_outbox o JOIN given g ON o.campaign_id = g.campaign_id AND o.record_id = g.record_id AND o.attempt = g.attempt
            WHERE o.message_id <> g.message_id
            """);
        cmd.Parameters.AddWithValue("id", fresh.Select(m => m.Id).ToArray());
        cmd.Parameters.AddWithValue("t", fresh.Select(m => m.TenantId).ToArray());
        cmd.Parameters.AddWithValue("c", fresh.Select(m => m.CampaignId).ToArray());
        cmd.Parameters.AddWithValue("r", fresh.Select(m => m.RecordId).ToArray());
        cmd.Parameters.AddWithValue("a", fresh.Select(m => m.Attempt).ToArray());
        cmd.Parameters.AddWithValue("k", fresh.Select(m => m.ContactId).ToArray());
        cmd.Parameters.AddWithValue("ch", fresh.Select(m => m.Channel).ToArray());
        cmd.Parameters.AddWithValue("to", fresh.Select(m => m.Recipient).ToArray());
        cmd.Parameters.AddWithValue("g", fresh.Select(m => m.GatewayId).ToArray());
        cmd.Parameters.AddWithValue("tpl", fresh.Select(m => m.TemplateId).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("s", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = fresh.Select(m => (object?)m.Subject ?? DBNull.Value).ToArray() });
        cmd.Parameters.AddWithValue("b", fresh.Select(m => m.Body).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("seg", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Integer) { Value = fresh.Select(m => (object?)m.Segments ?? DBNull.Value).ToArray() });
        cmd.Parameters.AddWithValue("now", now);
        var byStep = (await ReadAllAsync(cmd, ct)).ToDictionary(m => (m.RecordId, m.Attempt));
        return [.. fresh.Select(m => byStep[(m.RecordId, m.Attempt)])];
    }

    /// <summary>
    /// Moves messages, each to its own state with its detail (the gateway's answer, or the error) and records the
    /// events; one statement, one commit. Rows are locked in message id order first, as the delivery reports lock
    /// them, so a batch of reports and a batch of moves over the same messages cannot deadlock. A final state (delivered, failed, undeliverable) stays, and "sent" is not
    /// taken back to queued: a delivery report can overtake the gateway's own answer.
    /// </summary>
    public async Task MoveAsync(Guid tenantId, IReadOnlyList<(Guid Id, string State, string? Detail, string? Reference)> moves, CancellationToken ct)
    {
        if (moves.Count == 0) return;
        await using var cmd = db.CreateCommand("""
            WITH m AS (SELECT * FROM unnest(@id, @s, @d, @g) AS m(id, s, d, g)),
            locked AS (SELECT message_id FROM message_outbox WHERE tenant_id = @t AND message_id = ANY(@id) ORDER BY message_id FOR UPDATE),
            moved AS (
                UPDATE message_outbox o SET
                    state = CASE WHEN o.state IN ('delivered', 'failed', 'undeliverable') OR (o.state = 'sent' AND m.s = 'queued') THEN o.state ELSE m.s END,
                    tries = o.tries + CASE WHEN m.s = 'sending' THEN 1 ELSE 0 END,
                    error = CASE WHEN m.s IN ('failed', 'undeliverable', 'queued') THEN m.d ELSE o.error END,
                    gateway_message_id = coalesce(m.g, o.gateway_message_id),
                    sent_at = CASE WHEN m.s = 'sent' THEN coalesce(o.sent_at, @now) ELSE o.sent_at END,
                    final_at = CASE WHEN m.s IN ('delivered', 'failed', 'undeliverable') THEN @now ELSE o.final_at END
                FROM m WHERE o.tenant_id = @t AND o.message_id = m.id AND o.message_id IN (SELECT message_id FROM locked)
                RETURNING o.message_id)
            INSERT INTO message_events (message_id, at, state, detail) SELECT m.id, @now, m.s, m.d FROM m JOIN moved ON moved.message_id = m.id
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", moves.Select(m => m.Id).ToArray());
        cmd.Parameters.AddWithValue("s", moves.Select(m => m.State).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("d", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = moves.Select(m => (object?)m.Detail ?? DBNull.Value).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("g", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = moves.Select(m => (object?)m.Reference ?? DBNull.Value).ToArray() });
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Prefixed(string alias) =>
        string.Join(", ", Columns.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => $"{alias}.{c}"));

    /// <summary>Moves one message (see the batch form).</summary>
    public Task MoveAsync(Guid tenantId, Guid messageId, string state, string? detail, CancellationToken ct, string? gatewayMessageId = null) =>
        MoveAsync(tenantId, [(messageId, state, detail, gatewayMessageId)], ct);

    /// <summary>One delivery report: the gateway's tenant, the message, the gateway it went through, its new state (null: only recorded) and detail.</summary>
    public sealed record Report(Guid TenantId, Guid GatewayId, Guid MessageId, string? State, string Detail, string? GatewayMessageId);

    /// <summary>
    /// Delivery reports, in one statement: each moves its message on unless that is already final (a late "buffered"
    /// after "delivered" is only recorded). A message appears at most once per call (the caller splits the rest into
    /// the next call, so two reports for one message apply in order). Returns the ids of the messages found, i.e. of
    /// this gateway; a report for any other id changes nothing.
    /// </summary>
    public async Task<HashSet<Guid>> ReportAsync(IReadOnlyList<Report> reports, CancellationToken ct)
    {
        if (reports.Count == 0) return [];
        await using var cmd = _reports.CreateCommand("""
            WITH r AS (SELECT * FROM unnest(@id, @t, @gw, @s, @d, @g) AS r(id, t, gw, s, d, g)),
            locked AS (SELECT message_id FROM message_outbox WHERE tenant_id = ANY(@t) AND message_id = ANY(@id) ORDER BY message_id FOR UPDATE),
            moved AS (
                UPDATE message_outbox o SET
                    state = CASE WHEN r.s IS NULL OR o.state IN ('delivered', 'failed', 'undeliverable') THEN o.state ELSE r.s END,
                    gateway_message_id = coalesce(o.gateway_message_id, r.g),
                    sent_at = coalesce(o.sent_at, CASE WHEN r.s IS NOT NULL THEN @now END),
                    final_at = CASE WHEN r.s IN ('delivered', 'undeliverable') AND o.final_at IS NULL THEN @now ELSE o.final_at END,
                    error = CASE WHEN r.s = 'undeliverable' THEN r.d ELSE o.error END
                FROM r WHERE o.message_id = r.id AND o.tenant_id = r.t AND o.gateway_id = r.gw AND o.message_id IN (SELECT message_id FROM locked)
                RETURNING o.message_id, r.s, r.d),
            ev AS (INSERT INTO message_events (message_id, at, state, detail) SELECT message_id, @now, coalesce(s, 'report'), d FROM moved)
            SELECT message_id FROM moved
            """);
        cmd.Parameters.AddWithValue("id", reports.Select(r => r.MessageId).ToArray());
        cmd.Parameters.AddWithValue("t", reports.Select(r => r.TenantId).ToArray());
        cmd.Parameters.AddWithValue("gw", reports.Select(r => r.GatewayId).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("s", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = reports.Select(r => (object?)r.State ?? DBNull.Value).ToArray() });
        cmd.Parameters.AddWithValue("d", reports.Select(r => r.Detail).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("g", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = reports.Select(r => (object?)r.GatewayMessageId ?? DBNull.Value).ToArray() });
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        var found = new HashSet<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) found.Add(reader.GetGuid(0));
        return found;
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

    /// <summary>A campaign's messages by state, and the error of a message waiting because its gateway did not answer.</summary>
    public async Task<(Dictionary<string, long> ByState, string? Waiting)> CountAsync(Guid tenantId, Guid campaignId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT state, count(*), max(error) FILTER (WHERE state = 'queued' AND error LIKE 'gateway unavailable%') FROM message_outbox
            WHERE tenant_id = @t AND campaign_id = @c GROUP BY state
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
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

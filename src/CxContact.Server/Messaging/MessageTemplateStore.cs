using CxContact.Core.Compliance;
using CxContact.Server.Api;
using CxContact.Server.Platform.Hosting;
using Npgsql;

namespace CxContact.Server.Messaging;

/// <summary>message_templates: a tenant's templates. Deleting one keeps its row (messages and campaigns name it).</summary>
public sealed class MessageTemplateStore(NpgsqlDataSource db, PlatformClock clock)
{
    public sealed record Row(Guid Id, string Name, Channel Channel, CallPurpose Purpose, string? Subject, string Body, string? Html,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public MessageTemplate View()
        {
            var check = MessageTemplateText.Check(Channel, Purpose, Subject, Body, Html, new FieldErrors());
            return new MessageTemplate(Id, Name, Channel.ToWire(), Purpose.ToWire(), Subject, Body, Html, check?.Segments, CreatedAt, UpdatedAt);
        }

        /// <summary>The parsed template (stored templates were checked when saved).</summary>
        public MessageTemplateText.Checked Parsed() =>
            MessageTemplateText.Check(Channel, Purpose, Subject, Body, Html, new FieldErrors())
            ?? throw new InvalidOperationException($"template {Id} no longer parses");
    }

    private const string Columns = "template_id, name, channel, purpose, subject, body, html, created_at, updated_at";

    /// <summary>Null when the name is taken by another live template of the tenant.</summary>
    public async Task<Row?> SaveAsync(Guid tenantId, Guid? id, string name, Channel channel, CallPurpose purpose, string? subject, string body, string? html,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = db.CreateCommand(id is null
            ? $"""
              INSERT INTO message_templates (tenant_id, template_id, name, channel, purpose, subject, body, html, created_at, updated_at)
              VALUES (@t, @id, @n, @c, @p, @s, @b, @h, @now, @now) RETURNING {Columns}
              """
            : $"""
              UPDATE message_templates SET name = @n, channel = @c, purpose = @p, subject = @s, body = @b, html = @h, updated_at = @now
              WHERE tenant_id = @t AND template_id = @id AND deleted_at IS NULL RETURNING {Columns}
              """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", id ?? Guid.CreateVersion7());
        cmd.Parameters.AddWithValue("n", name);
        cmd.Parameters.AddWithValue("c", channel.ToWire());
        cmd.Parameters.AddWithValue("p", purpose.ToWire());
        cmd.Parameters.AddWithValue("s", (object?)subject ?? DBNull.Value);
        cmd.Parameters.AddWithValue("b", body);
        cmd.Parameters.AddWithValue("h", (object?)html ?? DBNull.Value);
        cmd.Parameters.AddWithValue("now", now);
        try
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct) ? Read(r) : throw new KeyNotFoundException();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation) { return null; }
    }

    public async Task<Row?> GetAsync(Guid tenantId, Guid id, CancellationToken ct) =>
        (await QueryAsync("template_id = @id AND deleted_at IS NULL", tenantId, id, ct)).FirstOrDefault();

    public Task<List<Row>> ListAsync(Guid tenantId, CancellationToken ct) =>
        QueryAsync("deleted_at IS NULL ORDER BY lower(name)", tenantId, null, ct);

    public async Task<bool> DeleteAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE message_templates SET deleted_at = @now WHERE tenant_id = @t AND template_id = @id AND deleted_at IS NULL");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The tenant's templates matching <paramref name="andWhere"/> (the tenant predicate is always there).</summary>
    private async Task<List<Row>> QueryAsync(string andWhere, Guid tenantId, Guid? id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM message_templates WHERE tenant_id = @t AND {andWhere}");
        cmd.Parameters.AddWithValue("t", tenantId);
        if (id is { } i) cmd.Parameters.AddWithValue("id", i);
        var list = new List<Row>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    private static Row Read(NpgsqlDataReader r)
    {
        Channels.TryParse(r.GetString(2), out var channel);
        CallPurposes.TryParse(r.GetString(3), out var purpose);
        return new Row(r.GetGuid(0), r.GetString(1), channel, purpose, r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5),
            r.IsDBNull(6) ? null : r.GetString(6), r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8));
    }
}

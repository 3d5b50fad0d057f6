using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Platform.Secrets;
using Npgsql;

namespace CxContact.Server.Messaging;

/// <summary>messaging_gateways: settings as JSON, credentials sealed (kind "messaging-gateway"), the callback secret's hash.</summary>
public sealed class MessagingGatewayStore(NpgsqlDataSource db, SecretsKey secrets, PlatformClock clock)
{
    public sealed record Row(Guid TenantId, Guid Id, string Name, string Kind, GatewaySettings Settings, bool HasCredentials, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    private const string Columns = "tenant_id, gateway_id, name, kind, settings::text, credentials IS NOT NULL AND has_login, created_at, updated_at";

    /// <summary>Creates a gateway and its callback secret (returned once). Null when the name is taken.</summary>
    public async Task<(Row Row, string Secret)?> CreateAsync(Guid tenantId, string name, string kind, GatewaySettings settings, string? username, string? password,
        CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var credentials = new GatewayCredentials(username, password, secret);
        await using var cmd = db.CreateCommand($"""
            INSERT INTO messaging_gateways (tenant_id, gateway_id, name, kind, settings, credentials, callback_hash, has_login, created_at, updated_at)
            VALUES (@t, @id, @n, @k, @s::jsonb, @c, @h, @login, @now, @now) RETURNING {Columns}
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("n", name);
        cmd.Parameters.AddWithValue("k", kind);
        cmd.Parameters.AddWithValue("s", JsonSerializer.Serialize(settings, JsonSerializerOptions.Web));
        cmd.Parameters.AddWithValue("c", CredentialsCipher.Seal(await secrets.GetAsync(ct), tenantId, id, credentials, CredentialsCipher.MessagingGateway));
        cmd.Parameters.AddWithValue("h", Hash(secret));
        cmd.Parameters.AddWithValue("login", username is not null);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        try { return ((await ReadAll(cmd, ct)).Single(), secret); }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation) { return null; }
    }

    /// <summary>Replaces settings, and the login when given (the callback secret stays). False when there is no such gateway.</summary>
    public async Task<bool?> UpdateAsync(Guid tenantId, Guid id, string name, GatewaySettings settings, string? username, string? password, CancellationToken ct)
    {
        byte[]? sealedCredentials = null;
        if (username is not null || password is not null)
        {
            if (await OpenAsync(tenantId, id, ct) is not var (_, old)) return false;
            sealedCredentials = CredentialsCipher.Seal(await secrets.GetAsync(ct), tenantId, id, old with { Username = username, Password = password },
                CredentialsCipher.MessagingGateway);
        }
        await using var cmd = db.CreateCommand("""
            UPDATE messaging_gateways SET name = @n, settings = @s::jsonb, updated_at = @now,
                credentials = coalesce(@c, credentials), has_login = CASE WHEN @c IS NULL THEN has_login ELSE @login END
            WHERE tenant_id = @t AND gateway_id = @id AND deleted_at IS NULL
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("n", name);
        cmd.Parameters.AddWithValue("s", JsonSerializer.Serialize(settings, JsonSerializerOptions.Web));
        cmd.Parameters.Add(new NpgsqlParameter("c", NpgsqlTypes.NpgsqlDbType.Bytea) { Value = (object?)sealedCredentials ?? DBNull.Value });
        cmd.Parameters.AddWithValue("login", username is not null);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        try { return await cmd.ExecuteNonQueryAsync(ct) == 1; }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation) { return null; }
    }

    public async Task<Row?> GetAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM messaging_gateways WHERE tenant_id = @t AND gateway_id = @id AND deleted_at IS NULL");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        return (await ReadAll(cmd, ct)).SingleOrDefault();
    }

    public async Task<List<Row>> ListAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM messaging_gateways WHERE tenant_id = @t AND deleted_at IS NULL ORDER BY lower(name)");
        cmd.Parameters.AddWithValue("t", tenantId);
        return await ReadAll(cmd, ct);
    }

    public async Task<bool> DeleteAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE messaging_gateways SET deleted_at = @now WHERE tenant_id = @t AND gateway_id = @id AND deleted_at IS NULL");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The gateway with its credentials in clear, to send through; null when there is no such gateway.</summary>
    public async Task<(Row Row, GatewayCredentials Credentials)?> OpenAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns}, credentials FROM messaging_gateways WHERE tenant_id = @t AND gateway_id = @id");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var row = Read(r);
        var blob = r.GetFieldValue<byte[]>(8);
        return (row, CredentialsCipher.Open<GatewayCredentials>(await secrets.GetAsync(ct), tenantId, id, blob, CredentialsCipher.MessagingGateway));
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, (byte[] Hash, Row Row, long Until)> _callbacks = new();

    /// <summary>
    /// The gateway whose callback secret this is; null for a wrong secret or an unknown gateway. Kannel calls back
    /// twice per text, so a gateway's hash is kept for 30 seconds (a deleted gateway's callbacks stop within that).
    /// </summary>
    public async Task<Row?> AuthenticateCallbackAsync(Guid id, string? secret, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 200) return null;
        if (_callbacks.TryGetValue(id, out var held) && Environment.TickCount64 < held.Until)
            return CryptographicOperations.FixedTimeEquals(held.Hash, Hash(secret)) ? held.Row : null;
        await using var cmd = db.CreateCommand($"SELECT {Columns}, callback_hash FROM messaging_gateways WHERE gateway_id = @id AND deleted_at IS NULL");
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var row = Read(r);
        var hash = r.GetFieldValue<byte[]>(8);
        _callbacks[id] = (hash, row, Environment.TickCount64 + 30_000);
        return CryptographicOperations.FixedTimeEquals(hash, Hash(secret)) ? row : null;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static async Task<List<Row>> ReadAll(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<Row>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    private static Row Read(NpgsqlDataReader r) =>
        new(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), JsonSerializer.Deserialize<GatewaySettings>(r.GetString(4), JsonSerializerOptions.Web)!,
            r.GetBoolean(5), r.GetFieldValue<DateTimeOffset>(6), r.GetFieldValue<DateTimeOffset>(7));
}

using CxContact.Server.Platform.Secrets;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Platform.Audit;
using Npgsql;

namespace CxContact.Server.Sftp;

/// <summary>
/// SQL for SFTP connections. Credentials go in sealed and come out only through <see cref="OpenAsync"/>, for a
/// connect; every read the API serves leaves them out. Changes write their audit row (never a secret) in the same
/// transaction.
/// </summary>
public sealed class SftpConnectionStore(NpgsqlDataSource db, SecretsKey secrets, PlatformClock clock)
{
    private const string Columns =
        "connection_id, name, host, port, username, host_key_fingerprint, base_path, has_password, has_private_key, created_at, updated_at";

    public async Task<SftpConnection> CreateAsync(Guid tenantId, SftpConnectionSettings s, SftpCredentials credentials, Guid? actorKeyId, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var sealedCredentials = CredentialsCipher.Seal(await secrets.GetAsync(ct), tenantId, id, credentials);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO sftp_connections (tenant_id, connection_id, name, host, port, username, host_key_fingerprint, base_path,
                                          credentials, has_password, has_private_key, created_at, updated_at)
            VALUES (@t, @id, @name, @host, @port, @user, @fp, @base, @cred, @hasPw, @hasKey, @now, @now)
            RETURNING {Columns}
            """, conn, tx);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        AddSettings(cmd, s);
        AddCredentials(cmd, sealedCredentials, credentials);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        SftpConnection created;
        try { created = (await ReadAll(cmd, ct)).Single(); }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation) { throw new SftpConnectionNameTakenException(s.Name); }
        await AuditTrail.WriteAsync(conn, tx, tenantId, actorKeyId, "sftp-connection.created", id.ToString(), AuditDetail(s, credentialsSet: true), ct);
        await tx.CommitAsync(ct);
        return created;
    }

    public async Task<IReadOnlyList<SftpConnection>> ListAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM sftp_connections WHERE tenant_id = @t ORDER BY lower(name), connection_id");
        cmd.Parameters.AddWithValue("t", tenantId);
        return await ReadAll(cmd, ct);
    }

    public async Task<SftpConnection?> GetAsync(Guid tenantId, Guid connectionId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM sftp_connections WHERE tenant_id = @t AND connection_id = @id");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", connectionId);
        return (await ReadAll(cmd, ct)).SingleOrDefault();
    }

    /// <summary>
    /// The connection with its credentials in clear, for connecting; null when the tenant has no such connection.
    /// Throws <see cref="System.Security.Cryptography.CryptographicException"/> when they cannot be opened.
    /// </summary>
    public async Task<(SftpConnection Connection, SftpCredentials Credentials)?> OpenAsync(Guid tenantId, Guid connectionId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns}, credentials FROM sftp_connections WHERE tenant_id = @t AND connection_id = @id");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", connectionId);
        SftpConnection connection;
        byte[] blob;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return null;
            connection = Read(r);
            blob = r.GetFieldValue<byte[]>(11);
        }
        return (connection, CredentialsCipher.Open<SftpCredentials>(await secrets.GetAsync(ct), tenantId, connectionId, blob));
    }

    /// <summary>
    /// Replaces the settings, and the credentials when given, if the row is still the one read at
    /// <paramref name="seenUpdatedAt"/>. Returns null when the tenant has no such connection or it changed since.
    /// </summary>
    public async Task<SftpConnection?> UpdateAsync(Guid tenantId, Guid connectionId, DateTimeOffset seenUpdatedAt, SftpConnectionSettings s,
        SftpCredentials? credentials, Guid? actorKeyId, CancellationToken ct)
    {
        var sealedCredentials = credentials is null ? null : CredentialsCipher.Seal(await secrets.GetAsync(ct), tenantId, connectionId, credentials);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            UPDATE sftp_connections SET name = @name, host = @host, port = @port, username = @user, host_key_fingerprint = @fp,
                base_path = @base, updated_at = @now,
                credentials = coalesce(@cred, credentials),
                has_password = coalesce(@hasPw, has_password), has_private_key = coalesce(@hasKey, has_private_key)
            WHERE tenant_id = @t AND connection_id = @id AND updated_at = @seen
            RETURNING {Columns}
            """, conn, tx);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", connectionId);
        cmd.Parameters.AddWithValue("seen", seenUpdatedAt);
        AddSettings(cmd, s);
        AddCredentials(cmd, sealedCredentials, credentials);
        // At least a microsecond (PostgreSQL's resolution) later than what was seen, so two versions never share a stamp.
        var now = clock.GetUtcNow();
        cmd.Parameters.AddWithValue("now", now >= seenUpdatedAt.AddTicks(10) ? now : seenUpdatedAt.AddTicks(10));
        SftpConnection? updated;
        try { updated = (await ReadAll(cmd, ct)).SingleOrDefault(); }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation) { throw new SftpConnectionNameTakenException(s.Name); }
        if (updated is null) return null;
        await AuditTrail.WriteAsync(conn, tx, tenantId, actorKeyId, "sftp-connection.updated", connectionId.ToString(),
            AuditDetail(s, credentialsSet: credentials is not null), ct);
        await tx.CommitAsync(ct);
        return updated;
    }

    public async Task<bool> DeleteAsync(Guid tenantId, Guid connectionId, Guid? actorKeyId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand("DELETE FROM sftp_connections WHERE tenant_id = @t AND connection_id = @id RETURNING name, host", conn, tx);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("id", connectionId);
        string name, host;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return false;
            (name, host) = (r.GetString(0), r.GetString(1));
        }
        await AuditTrail.WriteAsync(conn, tx, tenantId, actorKeyId, "sftp-connection.deleted", connectionId.ToString(), new { name, host }, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static object AuditDetail(SftpConnectionSettings s, bool credentialsSet) =>
        new { s.Name, s.Host, s.Port, s.Username, s.HostKeyFingerprint, s.BasePath, credentialsSet };

    private static void AddSettings(NpgsqlCommand cmd, SftpConnectionSettings s)
    {
        cmd.Parameters.AddWithValue("name", s.Name);
        cmd.Parameters.AddWithValue("host", s.Host);
        cmd.Parameters.AddWithValue("port", s.Port);
        cmd.Parameters.AddWithValue("user", s.Username);
        cmd.Parameters.AddWithValue("fp", s.HostKeyFingerprint);
        cmd.Parameters.AddWithValue("base", NpgsqlTypes.NpgsqlDbType.Text, (object?)s.BasePath ?? DBNull.Value);
    }

    private static void AddCredentials(NpgsqlCommand cmd, byte[]? sealedCredentials, SftpCredentials? credentials)
    {
        cmd.Parameters.AddWithValue("cred", NpgsqlTypes.NpgsqlDbType.Bytea, (object?)sealedCredentials ?? DBNull.Value);
        cmd.Parameters.AddWithValue("hasPw", NpgsqlTypes.NpgsqlDbType.Boolean, credentials is null ? DBNull.Value : credentials.Password is not null);
        cmd.Parameters.AddWithValue("hasKey", NpgsqlTypes.NpgsqlDbType.Boolean, credentials is null ? DBNull.Value : credentials.PrivateKey is not null);
    }

    private static SftpConnection Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetString(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
        r.GetBoolean(7), r.GetBoolean(8), r.GetFieldValue<DateTimeOffset>(9), r.GetFieldValue<DateTimeOffset>(10));

    private static async Task<List<SftpConnection>> ReadAll(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<SftpConnection>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }
}

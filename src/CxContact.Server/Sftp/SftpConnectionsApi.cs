using System.Security.Cryptography;
using System.Text.Json;
using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Sftp;

/// <summary>
/// /api/v1/sftp-connections: the SFTP servers a tenant pulls files from. Credentials go in on create and update and
/// never come back out: answers say only whether a password or a private key is set.
/// </summary>
public static class SftpConnectionsApi
{
    public const int TestEntries = 20;

    /// <summary>Create (POST) and replace (PUT) send every field; PATCH sends what changes. Credentials are write-only.</summary>
    public sealed record ConnectionRequest(string? Name, string? Host, int? Port, string? Username, string? Password, string? PrivateKey,
        string? PrivateKeyPassphrase, string? HostKeyFingerprint, string? BasePath);

    public sealed record TestResult(bool Ok, string HostKeyFingerprint, string Path, IReadOnlyList<string> Entries);

    public static void MapSftpConnectionsApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/sftp-connections").WithTags("SFTP connections");

        g.MapPost("/", async Task<Results<Created<SftpConnection>, ValidationProblem, ProblemHttpResult>> (
            ConnectionRequest body, HttpContext http, SftpConnectionStore store, SftpDestinationPolicy destinations, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var settings = Settings(body, errors, destinations);
            var credentials = SftpConnectionRules.Credentials(errors, body.Password, body.PrivateKey, body.PrivateKeyPassphrase);
            if (credentials is null && body.Password is null && body.PrivateKey is null)
                errors.Add("password", "send a password or a privateKey (exactly one)");
            if (errors.Any) return errors.ToProblem();
            var caller = Caller.From(http.User);
            try
            {
                var created = await store.CreateAsync(caller.TenantId, settings, credentials!, caller.KeyId, ct);
                return TypedResults.Created($"/api/v1/sftp-connections/{created.Id}", created);
            }
            catch (SftpConnectionNameTakenException e) { return NameTaken(e); }
        }).RequireAuthorization(Policies.TenantAdmin).WithSummary("Add an SFTP server (the host key is pinned; credentials are write-only)");

        g.MapGet("/", async (HttpContext http, SftpConnectionStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.ListAsync(Caller.From(http.User).TenantId, ct)))
            .RequireAuthorization(Policies.TenantOperator).WithSummary("This tenant's SFTP connections");

        g.MapGet("/{connectionId:guid}", async Task<Results<Ok<SftpConnection>, ProblemHttpResult>> (
            Guid connectionId, HttpContext http, SftpConnectionStore store, CancellationToken ct) =>
            await store.GetAsync(Caller.From(http.User).TenantId, connectionId, ct) is { } c ? TypedResults.Ok(c) : NoSuchConnection(connectionId))
            .RequireAuthorization(Policies.TenantOperator).WithSummary("An SFTP connection (without its credentials)");

        g.MapPut("/{connectionId:guid}", (Guid connectionId, ConnectionRequest body, HttpContext http, SftpConnectionStore store, SftpDestinationPolicy destinations,
            CancellationToken ct) =>
                UpdateAsync(connectionId, body, partial: false, http, store, destinations, ct))
            .RequireAuthorization(Policies.TenantAdmin)
            .WithSummary("Replace an SFTP connection; credentials may be left out to keep the stored ones, unless host, port or host key change");

        g.MapPatch("/{connectionId:guid}", (Guid connectionId, ConnectionRequest body, HttpContext http, SftpConnectionStore store, SftpDestinationPolicy destinations,
            CancellationToken ct) =>
                UpdateAsync(connectionId, body, partial: true, http, store, destinations, ct))
            .RequireAuthorization(Policies.TenantAdmin)
            .WithSummary("Change some fields of an SFTP connection (basePath \"\" removes it); new credentials replace the old ones");

        g.MapDelete("/{connectionId:guid}", async Task<Results<NoContent, ProblemHttpResult>> (
            Guid connectionId, HttpContext http, SftpConnectionStore store, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            return await store.DeleteAsync(caller.TenantId, connectionId, caller.KeyId, ct) ? TypedResults.NoContent() : NoSuchConnection(connectionId);
        }).RequireAuthorization(Policies.TenantAdmin).WithSummary("Delete an SFTP connection and its credentials");

        // Admin only: a test connects wherever the connection points and reports what happened there.
        g.MapPost("/{connectionId:guid}/test", TestAsync).RequireAuthorization(Policies.TenantAdmin)
            .WithSummary($"Connect, verify the pinned host key, and list the base path (first {TestEntries} names); 502 says why it failed");
    }

    private static async Task<Results<Ok<SftpConnection>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid connectionId, ConnectionRequest body, bool partial, HttpContext http, SftpConnectionStore store, SftpDestinationPolicy destinations,
        CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (await store.GetAsync(caller.TenantId, connectionId, ct) is not { } existing) return NoSuchConnection(connectionId);
        var errors = new FieldErrors();
        var settings = Settings(partial ? Merge(body, existing) : body, errors, destinations);
        var credentials = SftpConnectionRules.Credentials(errors, body.Password, body.PrivateKey, body.PrivateKeyPassphrase);
        // Stored secrets are only ever sent to the server they were entered for: otherwise a key holder could point the
        // connection at a host of their own, run a test, and receive the password they are never shown.
        var redirected = settings.Host != existing.Host || settings.Port != existing.Port || settings.HostKeyFingerprint != existing.HostKeyFingerprint;
        if (redirected && body.Password is null && body.PrivateKey is null && !errors.Any)
            errors.Add(existing.HasPassword ? "password" : "privateKey",
                "is required when host, port or hostKeyFingerprint change: stored credentials are only sent to the server they were entered for");
        if (errors.Any) return errors.ToProblem();
        try
        {
            return await store.UpdateAsync(caller.TenantId, connectionId, existing.UpdatedAt, settings, credentials, caller.KeyId, ct) is { } updated
                ? TypedResults.Ok(updated)
                : await store.GetAsync(caller.TenantId, connectionId, ct) is null
                    ? NoSuchConnection(connectionId)
                    : TypedResults.Problem(statusCode: 409, title: "The connection changed meanwhile",
                        detail: "Another request changed this SFTP connection while this one was being applied; read it again and retry.");
        }
        catch (SftpConnectionNameTakenException e) { return NameTaken(e); }
    }

    private static async Task<Results<Ok<TestResult>, ProblemHttpResult>> TestAsync(
        Guid connectionId, HttpContext http, SftpConnectionStore store, SftpDialer dialer, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        (SftpConnection Connection, SftpCredentials Credentials)? opened;
        try { opened = await store.OpenAsync(caller.TenantId, connectionId, ct); }
        catch (CryptographicException e)
        {
            return Failed(new SftpFetchException(SftpFailure.CredentialsUnreadable, $"the stored credentials cannot be used: {e.Message}; enter them again", e));
        }
        if (opened is not var (connection, credentials)) return NoSuchConnection(connectionId);
        var path = connection.BasePath ?? ".";
        try
        {
            using var session = await dialer.ConnectAsync(connection, credentials, ct);
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
            idle.CancelAfter(dialer.Options.IdleTimeout);
            var names = new List<string>();
            // Stop at the first few: a landing directory may hold many thousands of files.
            await foreach (var entry in session.Client.ListDirectoryAsync(path, idle.Token))
            {
                if (entry.Name is "." or "..") continue;
                names.Add(entry.Name);
                if (names.Count == TestEntries) break;
            }
            names.Sort(StringComparer.Ordinal);
            return TypedResults.Ok(new TestResult(true, session.HostKeyFingerprint, path, names));
        }
        catch (Exception e) when (!ct.IsCancellationRequested && dialer.Translate(e, connection, path) is { } failure)
        {
            return Failed(failure.Failure == SftpFailure.NotFound
                ? new SftpFetchException(SftpFailure.NotFound, $"no such directory on the server: {path}", e) : failure);
        }
    }

    /// <summary>The far side failed, not the request: 502, with the reason in words and as a code (403 when our policy refused the destination).</summary>
    private static ProblemHttpResult Failed(SftpFetchException e)
    {
        if (e.Failure == SftpFailure.DestinationRefused)
            return TypedResults.Problem(statusCode: 403, title: "This SFTP destination is not allowed", detail: e.Message,
                extensions: new Dictionary<string, object?> { ["reason"] = "destination-refused" });
        var extensions = new Dictionary<string, object?> { ["reason"] = JsonNamingPolicy.KebabCaseLower.ConvertName(e.Failure.ToString()) };
        if (e.ExpectedFingerprint is not null) extensions["expectedFingerprint"] = e.ExpectedFingerprint;
        if (e.OfferedFingerprint is not null) extensions["offeredFingerprint"] = e.OfferedFingerprint;
        return TypedResults.Problem(statusCode: 502, title: "The SFTP connection test failed", detail: e.Message, extensions: extensions);
    }

    private static ConnectionRequest Merge(ConnectionRequest body, SftpConnection existing) => body with
    {
        Name = body.Name ?? existing.Name,
        Host = body.Host ?? existing.Host,
        Port = body.Port ?? existing.Port,
        Username = body.Username ?? existing.Username,
        HostKeyFingerprint = body.HostKeyFingerprint ?? existing.HostKeyFingerprint,
        BasePath = body.BasePath ?? existing.BasePath,
    };

    /// <summary>The fields, checked; an IP address SFTP may not reach is refused now (a name is checked when connecting).</summary>
    private static SftpConnectionSettings Settings(ConnectionRequest body, FieldErrors errors, SftpDestinationPolicy destinations)
    {
        var name = errors.Text("name", body.Name);
        var host = SftpConnectionRules.Host(errors, body.Host);
        var port = SftpConnectionRules.Port(errors, body.Port);
        var username = SftpConnectionRules.Username(errors, body.Username);
        var fingerprint = SftpConnectionRules.Fingerprint(errors, body.HostKeyFingerprint);
        var basePath = SftpConnectionRules.BasePath(errors, body.BasePath);
        if (System.Net.IPAddress.TryParse(host, out var address) && destinations.Refusal(address, port) is { } why)
            errors.Add("host", $"{why}: SFTP servers must be outside the platform's networks (an operator can allow a network with CXC_SFTP_ALLOWED_NETWORKS)");
        return new SftpConnectionSettings(name, host, port, username, fingerprint, basePath);
    }

    private static ProblemHttpResult NoSuchConnection(Guid connectionId) =>
        TypedResults.Problem(statusCode: 404, title: "No such SFTP connection", detail: $"This tenant has no SFTP connection {connectionId}.");

    private static ProblemHttpResult NameTaken(SftpConnectionNameTakenException e) =>
        TypedResults.Problem(statusCode: 409, title: "SFTP connection name taken", detail: e.Message,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["name"] = [e.Message] } });
}

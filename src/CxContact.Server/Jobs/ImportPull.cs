using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using CxContact.Server.Api;
using CxContact.Server.Sftp;

namespace CxContact.Server.Jobs;

/// <summary>
/// The JSON form of "start an import" shared by contact and suppression lists: pull a file from one of the
/// tenant's SFTP connections instead of uploading it. {source: {sftpConnectionId, remotePath}, mode?, spec?}.
/// </summary>
public sealed record ImportPull(Guid SftpConnectionId, string RemotePath, string Mode, JsonElement? Spec, string? IdempotencyKey)
{
    public sealed record Body(Source? Source, string? Mode, JsonElement? Spec);
    public sealed record Source(Guid? SftpConnectionId, string? RemotePath);

    /// <summary>
    /// Reads and checks the body; null when it is not JSON of this shape. Otherwise the pull comes back even when a
    /// field is wrong (<paramref name="errors"/> says which), so the caller can check the spec too and name every error.
    /// </summary>
    public static async Task<ImportPull?> ReadAsync(HttpContext http, Guid tenantId, SftpConnectionStore connections, IReadOnlyList<string> modes,
        FieldErrors errors, CancellationToken ct)
    {
        Body? body;
        try { body = await http.Request.ReadFromJsonAsync<Body>(ImportSpecJson.Options, ct); }
        catch (JsonException e)
        {
            errors.Add(e.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "body", "is not valid JSON for this request");
            return null;
        }
        var remote = body?.Source?.RemotePath?.Trim();
        await CheckSourceAsync(tenantId, body?.Source?.SftpConnectionId, remote, connections, errors, "source.", ct);
        var mode = body?.Mode ?? modes[0];
        if (!modes.Contains(mode)) errors.Add("mode", $"\"{mode}\" is not a mode; use {Or(modes)}");
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } k ? k : null;
        if (idempotencyKey is { Length: > ImportUpload.MaxIdempotencyKey }) errors.Add("Idempotency-Key", $"at most {ImportUpload.MaxIdempotencyKey} characters");
        var spec = body?.Spec is { ValueKind: not JsonValueKind.Null } s ? s : (JsonElement?)null;
        return new ImportPull(body?.Source?.SftpConnectionId ?? Guid.Empty, remote ?? "", mode, spec, idempotencyKey);
    }

    /// <summary>
    /// Checks an SFTP source: the connection must be the tenant's, the path usable. Shared with schedules, whose
    /// fields sit under "action." instead of "source.".
    /// </summary>
    public static async Task CheckSourceAsync(Guid tenantId, Guid? connectionId, string? remotePath, SftpConnectionStore connections,
        FieldErrors errors, string prefix, CancellationToken ct)
    {
        if (connectionId is not { } id) errors.Add(prefix + "sftpConnectionId", "is required: the SFTP connection to use");
        else if (await connections.GetAsync(tenantId, id, ct) is null) errors.Add(prefix + "sftpConnectionId", $"this tenant has no SFTP connection {id}");
        if (string.IsNullOrEmpty(remotePath)) errors.Add(prefix + "remotePath", "is required: the file's path on the server");
        else if (SftpRemotePath.Problem(remotePath) is { } problem) errors.Add(prefix + "remotePath", problem);
    }

    /// <summary>The 202 for a queued pull; a replayed Idempotency-Key names the import queued before.</summary>
    public static Accepted<ImportAccepted> Accepted(HttpContext http, bool created, Guid importId, string state, string statusUrl)
    {
        if (!created) http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Accepted(statusUrl, new ImportAccepted(importId, state, statusUrl));
    }

    public static string Or(IReadOnlyList<string> options) =>
        options.Count == 1 ? options[0] : string.Join(", ", options.Take(options.Count - 1)) + " or " + options[^1];
}

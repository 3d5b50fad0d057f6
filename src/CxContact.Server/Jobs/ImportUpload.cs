using CxContact.Server.Api;
using CxContact.Server.Platform.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace CxContact.Server.Jobs;

/// <summary>
/// The multipart upload every import endpoint takes (contact lists, suppression lists): parts file, spec and mode,
/// and the Idempotency-Key header. The file streams to the landing directory, never held in memory, bounded by the
/// tenant's largest upload and by what its landing quota has left.
/// </summary>
public sealed record ImportUpload(string? FilePath, string? FileName, long Size, string? SpecText, string? ModeText, string? IdempotencyKey)
{
    public const int MaxSmallPart = 1024 * 1024;
    public const int MaxIdempotencyKey = 200;

    /// <summary>Reads the request; a Problem when the body itself is unusable (415, 413, 400), field errors otherwise.</summary>
    public static async Task<(ImportUpload? Upload, ProblemHttpResult? Problem)> ReadAsync(HttpContext http, Guid tenantId, LandingDirectory landing,
        FieldErrors errors, string modes, CancellationToken ct)
    {
        var limits = await http.RequestServices.GetRequiredService<Platform.Tenancy.Limits.TenantLimitsStore>().EffectiveAsync(tenantId, ct);
        var use = new LandingUse(limits.LandingQuotaBytes, landing.BytesInUse(tenantId));
        if (use.Full) return (null, LandingQuota.Problem(use, "this upload"));
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
            return (null, TypedResults.Problem(statusCode: 415, title: "Send multipart/form-data",
                detail: $"An import is a multipart/form-data request with the parts file, spec (optional JSON) and mode ({modes})."));
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } k ? k : null;
        if (idempotencyKey is { Length: > MaxIdempotencyKey }) errors.Add("Idempotency-Key", $"at most {MaxIdempotencyKey} characters");

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = limits.MaxUploadBytes;
        string? filePath = null, fileName = null, specText = null, modeText = null;
        long size = 0;
        try
        {
            var reader = new MultipartReader(boundary, http.Request.Body) { BodyLengthLimit = limits.MaxUploadBytes };
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                var disposition = section.GetContentDispositionHeader();
                var name = disposition?.Name.Value?.Trim('"') ?? "";
                switch (name)
                {
                    case "file" when filePath is null:
                        filePath = landing.NewFile(tenantId, ".upload");
                        fileName = disposition!.FileName.Value?.Trim('"') ?? disposition.FileNameStar.Value;
                        await using (var file = new FileStream(filePath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                            size = await CopyWithinAsync(section.Body, file, use.Room, ct);
                        if (size < 0)
                        {
                            Delete(filePath);
                            return (null, LandingQuota.Problem(use, "this upload"));
                        }
                        break;
                    case "file": errors.Add("file", "send one file per import"); break;
                    case "spec": specText = await ReadSmallAsync(section.Body, ct); break;
                    case "mode": modeText = (await ReadSmallAsync(section.Body, ct)).Trim(); break;
                    default: errors.Add(name.Length == 0 ? "(part)" : name, "is not a part this endpoint takes; send file, spec and mode"); break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException { StatusCode: 413 })
        {
            Delete(filePath);
            return (null, e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) || e is BadHttpRequestException
                ? TypedResults.Problem(statusCode: 413, title: "The upload is too large",
                    detail: $"At most {limits.MaxUploadBytes / (1024 * 1024)} MB for this tenant (GET /api/v1/me shows its limits).")
                : TypedResults.Problem(statusCode: 400, title: "The multipart body could not be read", detail: e.Message));
        }
        if (filePath is null) errors.Add("file", "is required: the file to import");
        return (new ImportUpload(filePath, fileName, size, specText, modeText, idempotencyKey), null);
    }

    /// <summary>
    /// The 202 for a queued import. When the Idempotency-Key matched an import already queued, this upload's file is
    /// not needed: it is removed and the answer names the earlier import, so nothing is imported twice.
    /// </summary>
    public Accepted<ImportAccepted> Accepted(HttpContext http, bool created, Guid importId, string state, string statusUrl)
    {
        if (!created)
        {
            DeleteFile();
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }
        return TypedResults.Accepted(statusUrl, new ImportAccepted(importId, state, statusUrl));
    }

    /// <summary>Removes the landed file (after a refusal, or when an idempotent replay makes it unneeded).</summary>
    public void DeleteFile() => Delete(FilePath);

    private static void Delete(string? path)
    {
        if (path is null) return;
        try { File.Delete(path); } catch (IOException) { /* retention cleans the landing directory */ }
    }

    /// <summary>Copies until the end, or returns -1 as soon as more than <paramref name="room"/> bytes have come.</summary>
    private static async Task<long> CopyWithinAsync(Stream from, Stream to, long room, CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = await from.ReadAsync(buffer, ct)) > 0)
        {
            total += n;
            if (total > room) return -1;
            await to.WriteAsync(buffer.AsMemory(0, n), ct);
        }
        return total;
    }

    private static async Task<string> ReadSmallAsync(Stream body, CancellationToken ct)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[8192];
        int n;
        while ((n = await body.ReadAsync(buffer, ct)) > 0)
        {
            ms.Write(buffer, 0, n);
            if (ms.Length > MaxSmallPart) throw new InvalidDataException("a spec or mode part is larger than 1 MB");
        }
        return System.Text.Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }
}

using System.Text.Json;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Platform.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace CxContact.Server.Api;

/// <summary>
/// Unhandled errors become problem details. Malformed requests (bad JSON, wrong types, unknown fields, no body)
/// answer 400 and say where. An <see cref="Outage"/> (PostgreSQL, Redis or a silo away for a while) answers 503 with
/// Retry-After, which a dialer retries; results are idempotent, so retrying one is always safe. Anything else is a 500
/// that carries a trace id but no internals.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems, DeadConnections dead, ILogger<ApiExceptionHandler> log) : IExceptionHandler
{
    private static readonly TimeSpan NoSiloRetryAfter = TimeSpan.FromSeconds(10);

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var outage = Outage.Of(exception);
        var (status, title, detail, field) = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => (400, "The request body is not valid JSON for this endpoint",
                Describe(json), FieldFromPath(json.Path)),
            BadHttpRequestException bad when bad.Message.Contains("no body was provided") =>
                (400, "The request body is missing", "This endpoint takes a JSON body; see /openapi/v1.json for its fields.", "body"),
            BadHttpRequestException bad => (bad.StatusCode, "The request could not be read", bad.Message, null),
            NoSiloForRoleException none => (503, "No silo can run this now", none.Message, null),
            _ when outage is not null => (503, outage.Title, outage.Detail, null),
            _ => (500, "Something went wrong on our side", "The error was logged with this response's traceId.", null),
        };
        // An outage is expected now and then, and its stack trace says nothing new: one line each is enough.
        if (outage is not null) log.LogWarning("{Method} {Path} answered 503: {Error}", http.Request.Method, http.Request.Path, exception.Message);
        if (outage is { Database: true }) dead.Drop();
        else if (status >= 500) log.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);

        http.Response.StatusCode = status;
        var ctx = new ProblemDetailsContext { HttpContext = http, Exception = exception, ProblemDetails = { Status = status, Title = title, Detail = detail } };
        if (field is not null) ctx.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        if (status == 503)
        {
            // A missing role lasts until someone starts a silo; an outage passes by itself.
            var retryAfter = (int)(outage?.RetryAfter ?? NoSiloRetryAfter).TotalSeconds;
            http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            ctx.ProblemDetails.Extensions["retryAfterSeconds"] = retryAfter;
        }
        return await problems.TryWriteAsync(ctx);
    }

    /// <summary>"$.name" becomes "name", "$.items[2].phone" becomes "items[2].phone"; the root becomes "body".</summary>
    private static string? FieldFromPath(string? path) =>
        path is null ? null : path.TrimStart('$').TrimStart('.') is { Length: > 0 } p ? p : "body";

    /// <summary>Says what is wrong in words a caller can act on, without the server's type names.</summary>
    private static string Describe(JsonException json)
    {
        var where = json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : "";
        if (json.Message.Contains("could not be mapped to any .NET member")) return "is not a field this endpoint takes" + where;
        if (json.Message.Contains("could not be converted to")) return "has the wrong type for this field" + where;
        return "is not well-formed JSON: " + Clean(json.Message) + where;
    }

    // System.Text.Json appends its own hints ("Path: $.x | LineNumber: 0 ...") which are noise next to our field.
    private static string Clean(string message) => message.Split(" Path: ")[0].Split(" LineNumber:")[0].Trim();
}

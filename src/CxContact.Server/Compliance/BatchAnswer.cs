using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CxContact.Core.Compliance;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace CxContact.Server.Compliance;

/// <summary>
/// validate-batch's 200: {"results": [...]}, byte for byte what serialising <see cref="ComplianceApi.BatchResult"/>
/// gives, but each distinct decision is serialised once. Attempts that met the same rules at the same instant share
/// one decision (the decider evaluates them once), so a batch of 10,000 numbers usually has a few hundred to write.
/// </summary>
public sealed class BatchAnswer(IReadOnlyList<Decision> decisions) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var result = (JsonTypeInfo<ValidationResult>)options.GetTypeInfo(typeof(ValidationResult));
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        var written = new Dictionary<Decision, byte[]>(ReferenceEqualityComparer.Instance);
        var body = http.Response.BodyWriter;
        await using var json = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true });
        json.WriteStartObject();
        json.WritePropertyName(options.PropertyNamingPolicy?.ConvertName(nameof(ComplianceApi.BatchResult.Results)) ?? nameof(ComplianceApi.BatchResult.Results));
        json.WriteStartArray();
        foreach (var d in decisions)
        {
            if (!written.TryGetValue(d, out var bytes)) written[d] = bytes = JsonSerializer.SerializeToUtf8Bytes(ValidationResult.From(d), result);
            json.WriteRawValue(bytes, skipInputValidation: true);
            if (json.BytesPending > 32 * 1024)
            {
                await json.FlushAsync(http.RequestAborted);
            }
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted);
    }

    /// <summary>OpenAPI still shows the answer's shape.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ComplianceApi.BatchResult), ["application/json"]));
}

using System.Buffers;
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
/// gives, but without serialising each result. Attempts that met the same rules at the same instant share one
/// decision (the decider evaluates them once), which is serialised once. A suppressed number's decision is its own
/// (its first reason names the number), but it differs from its neighbours' only in that reason's detail: results
/// with reasons are written from a template per shape (<see cref="SameButFirstDetail"/>), the serialised result with
/// the first detail cut out, and the detail escaped into the gap as the serialiser would write it.
/// </summary>
public sealed class BatchAnswer(IReadOnlyList<Decision> decisions) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var result = (JsonTypeInfo<ValidationResult>)options.GetTypeInfo(typeof(ValidationResult));
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        var writerOptions = new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented, SkipValidation = true };
        var written = new Dictionary<Decision, byte[]>(ReferenceEqualityComparer.Instance);
        var templates = new Dictionary<Decision, Template?>(SameButFirstDetail.Instance);
        var scratch = new ArrayBufferWriter<byte>(4096);
        using var detail = new Utf8JsonWriter(scratch, writerOptions);
        var body = http.Response.BodyWriter;
        await using var json = new Utf8JsonWriter(body, writerOptions);
        json.WriteStartObject();
        json.WritePropertyName(options.PropertyNamingPolicy?.ConvertName(nameof(ComplianceApi.BatchResult.Results)) ?? nameof(ComplianceApi.BatchResult.Results));
        json.WriteStartArray();
        foreach (var d in decisions)
        {
            if (written.TryGetValue(d, out var bytes))
            {
                json.WriteRawValue(bytes, skipInputValidation: true);
            }
            else if (d.Reasons.Count > 0
                && (templates.TryGetValue(d, out var template) ? template : templates[d] = Template.Of(d, result, writerOptions)) is { } t)
            {
                scratch.ResetWrittenCount();
                scratch.Write(t.Prefix);
                detail.Reset();
                detail.WriteStringValue(d.Reasons[0].Detail);
                detail.Flush();
                scratch.Write(t.Suffix);
                json.WriteRawValue(scratch.WrittenSpan, skipInputValidation: true);
            }
            else
            {
                written[d] = bytes = JsonSerializer.SerializeToUtf8Bytes(ValidationResult.From(d), result);
                json.WriteRawValue(bytes, skipInputValidation: true);
            }
            if (json.BytesPending > 32 * 1024)
            {
                await json.FlushAsync(http.RequestAborted);
            }
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted);
    }

    /// <summary>A result serialised around its first reason's detail: the bytes before its opening quote and after its closing one.</summary>
    private sealed record Template(byte[] Prefix, byte[] Suffix)
    {
        // No rule writes this: it only marks where the detail goes, and is looked for as the serialiser escaped it.
        private const string Marker = "\u0001cxc:detail\u0001";

        /// <summary>Null when the marker cannot be found exactly once (then the result is serialised as it is).</summary>
        public static Template? Of(Decision d, JsonTypeInfo<ValidationResult> result, JsonWriterOptions writerOptions)
        {
            var marked = d with { Reasons = [d.Reasons[0] with { Detail = Marker }, .. d.Reasons.Skip(1)] };
            var bytes = JsonSerializer.SerializeToUtf8Bytes(ValidationResult.From(marked), result);
            var quoted = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(quoted, writerOptions)) w.WriteStringValue(Marker);
            var at = bytes.AsSpan().IndexOf(quoted.WrittenSpan);
            if (at < 0 || bytes.AsSpan().LastIndexOf(quoted.WrittenSpan) != at) return null;
            return new Template(bytes[..at], bytes[(at + quoted.WrittenCount)..]);
        }
    }

    /// <summary>
    /// Decisions that serialise alike but for the first reason's detail: every other field equal (reasons after the
    /// first, the time zones and the jurisdictions, by value).
    /// </summary>
    private sealed class SameButFirstDetail : IEqualityComparer<Decision>
    {
        public static readonly SameButFirstDetail Instance = new();

        public bool Equals(Decision? x, Decision? y)
        {
            if (ReferenceEquals(x, y)) return true;
            if (x is null || y is null) return false;
            if (x.Allowed != y.Allowed || x.NextAllowedAt != y.NextAllowedAt
                || !string.Equals(x.RuleSetVersion, y.RuleSetVersion, StringComparison.Ordinal)
                || x.Reasons.Count != y.Reasons.Count || x.TimeZones.Count != y.TimeZones.Count
                || !x.Jurisdictions.SequenceEqual(y.Jurisdictions, StringComparer.Ordinal)) return false;
            if (x.Reasons.Count > 0 && !string.Equals(x.Reasons[0].Rule, y.Reasons[0].Rule, StringComparison.Ordinal)) return false;
            for (var i = 1; i < x.Reasons.Count; i++)
                if (!ReferenceEquals(x.Reasons[i], y.Reasons[i]) && !Equal(x.Reasons[i], y.Reasons[i])) return false;
            for (var i = 0; i < x.TimeZones.Count; i++)
                if (!string.Equals(x.TimeZones[i], y.TimeZones[i], StringComparison.Ordinal)) return false;
            return true;

            static bool Equal(DecisionReason a, DecisionReason b) =>
                string.Equals(a.Rule, b.Rule, StringComparison.Ordinal) && string.Equals(a.Detail, b.Detail, StringComparison.Ordinal);
        }

        public int GetHashCode(Decision d) =>
            HashCode.Combine(d.Allowed, d.NextAllowedAt, d.RuleSetVersion, d.Reasons.Count, d.Reasons.Count > 0 ? d.Reasons[0].Rule : null,
                d.TimeZones.Count > 0 ? d.TimeZones[0] : null);
    }

    /// <summary>OpenAPI still shows the answer's shape.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ComplianceApi.BatchResult), ["application/json"]));
}

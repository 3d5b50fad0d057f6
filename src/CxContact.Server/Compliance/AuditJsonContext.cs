using System.Text.Json;
using System.Text.Json.Serialization;
using CxContact.Core.Compliance;

namespace CxContact.Server.Compliance;

/// <summary>
/// Source-generated JSON for the audit rows: every decision is serialised twice (input and outcome), so the writer
/// uses generated code instead of reflection-based serialisation. Nulls are left out: most of an attempt's fields
/// are empty, and PostgreSQL checks every byte of a json value it stores.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PreparedAttempt))]
[JsonSerializable(typeof(Decision))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;

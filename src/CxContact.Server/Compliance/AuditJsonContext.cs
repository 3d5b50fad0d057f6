using System.Text.Json;
using System.Text.Json.Serialization;
using CxContact.Core.Compliance;

namespace CxContact.Server.Compliance;

/// <summary>
/// Source-generated JSON for the audit rows: every decision is serialised twice (input and outcome), so the writer
/// uses generated code instead of reflection-based serialisation.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PreparedAttempt))]
[JsonSerializable(typeof(Decision))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;

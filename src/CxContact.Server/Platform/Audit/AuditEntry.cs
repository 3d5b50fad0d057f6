using System.Text.Json;

namespace CxContact.Server.Platform.Audit;

/// <summary>One audit_log row as the API returns it.</summary>
public sealed record AuditEntry(Guid Id, DateTimeOffset At, Guid? ActorKeyId, string Action, string? Target, JsonElement Detail);

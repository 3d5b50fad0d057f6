using System.Text.Json;

namespace CxContact.Server.Platform.Audit;

/// <summary>
/// One audit_log row as the API returns it. The actor is an API key or a person signed in with single sign-on (whose
/// person id stands in ActorKeyId); ActorName and ActorKind say which, by name.
/// </summary>
public sealed record AuditEntry(Guid Id, DateTimeOffset At, Guid? ActorKeyId, string Action, string? Target, JsonElement Detail,
    string? ActorName = null, string? ActorKind = null);

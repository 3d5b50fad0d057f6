namespace CxContact.Server.Scheduling;

/// <summary>The "action" of a schedule body, before validation.</summary>
public sealed record ScheduleActionRequest(string? Type, Guid? CampaignId, Guid? ListId, Guid? SftpConnectionId, string? RemotePath,
    string? Mode, string? Then, System.Text.Json.JsonElement? Spec);

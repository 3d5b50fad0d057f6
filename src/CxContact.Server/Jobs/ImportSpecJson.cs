using System.Text.Json;

namespace CxContact.Server.Jobs;

/// <summary>
/// How an import's spec (and a pull's JSON body) is read, wherever it is read: web casing, and a member the type does
/// not have is an error, so a misspelt field is refused rather than silently ignored.
/// </summary>
public static class ImportSpecJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };
}

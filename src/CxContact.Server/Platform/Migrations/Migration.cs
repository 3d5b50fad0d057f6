namespace CxContact.Server.Platform.Migrations;

/// <summary>One versioned SQL file from Sql/, named NNNN_description.sql.</summary>
public sealed record Migration(int Version, string Name, string Sql, string Checksum);

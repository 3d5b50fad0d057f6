namespace CxContact.Server.Platform.Migrations;

/// <summary>A migration that cannot be applied; the message names it and says why.</summary>
public sealed class MigrationException(string message, Exception? inner = null) : Exception(message, inner);

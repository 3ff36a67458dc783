namespace FhirMh.FhirServer.Storage;

internal enum StorageProvider
{
    Sqlite,
    Postgres,
}

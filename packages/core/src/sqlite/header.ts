/** The first 16 bytes of every SQLite database file (sqlite.org/fileformat2.html, "The Database Header"). */
export const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

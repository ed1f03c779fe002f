/*
 * hugepage-map FILE: maps one 2 MiB huge page from FILE on a hugetlbfs mount, writes to every
 * byte of it, reads it back, and prints the page size the kernel used for the mapping (from
 * /proc/self/smaps). The network-intensive acceptance runs it inside a pod; exit 0 only when
 * the mapping was backed by a 2048 kB page and held what was written.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE (2UL << 20)

/* The KernelPageSize (kB) of the mapping that starts at addr, or -1. A mapping's header line
 * starts with its lowercase-hex address range; its field lines start with a capital letter. */
static long kernel_page_size_kb(void *addr) {
  char line[256], start[32];
  long kb = -1;
  int in_mapping = 0;
  FILE *smaps = fopen("/proc/self/smaps", "r");
  if (!smaps) return -1;
  snprintf(start, sizeof start, "%lx-", (unsigned long)addr);
  while (fgets(line, sizeof line, smaps)) {
    if (isxdigit((unsigned char)line[0]) && !isupper((unsigned char)line[0]))
      in_mapping = strncmp(line, start, strlen(start)) == 0;
    else if (in_mapping && sscanf(line, "KernelPageSize: %ld kB", &kb) == 1)
      break;
  }
  fclose(smaps);
  return kb;
}

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: hugepage-map FILE-ON-HUGETLBFS\n"); return 2; }
  int fd = open(argv[1], O_CREAT | O_RDWR, 0600);
  if (fd < 0) { perror("open"); return 1; }
  if (ftruncate(fd, PAGE) != 0) { perror("ftruncate"); return 1; }
  unsigned char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) { perror("mmap"); return 1; }
  for (unsigned long i = 0; i < PAGE; i++) p[i] = (unsigned char)(i * 7);
  for (unsigned long i = 0; i < PAGE; i++)
    if (p[i] != (unsigned char)(i * 7)) { fprintf(stderr, "byte %lu differs\n", i); return 1; }
  long kb = kernel_page_size_kb(p);
  printf("mapped %lu bytes, kernel page size %ld kB\n", PAGE, kb);
  munmap(p, PAGE);
  unlink(argv[1]);
  return kb == 2048 ? 0 : 1;
}

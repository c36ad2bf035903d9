/* A UDP receiver for the pod network tests (busybox has none): prints
 * every datagram that arrives on port argv[1] as a line, and echoes it
 * back to its sender. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct sockaddr_in me = { .sin_family = AF_INET }, from;
	char buf[2048];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (argc != 2 || fd < 0)
		return 2;
	me.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("bind");
		return 1;
	}
	for (;;) {
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &len);

		if (n < 0)
			continue;
		buf[n] = '\0';
		printf("got: %s\n", buf);
		fflush(stdout);
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
	}
}

#include "rt.h"
int main(void) { check("hello", 1); return finish("exceptions"); }
